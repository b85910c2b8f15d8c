from typing import Literal

PublicConnectorCallResultOutcome = Literal["error", "success"]

PUBLIC_CONNECTOR_CALL_RESULT_OUTCOME_VALUES: set[PublicConnectorCallResultOutcome] = {
    "error",
    "success",
}


def check_public_connector_call_result_outcome(value: str) -> PublicConnectorCallResultOutcome:
    if value in PUBLIC_CONNECTOR_CALL_RESULT_OUTCOME_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PUBLIC_CONNECTOR_CALL_RESULT_OUTCOME_VALUES!r}"
    )
