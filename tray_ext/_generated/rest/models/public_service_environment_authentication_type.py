from typing import Literal

PublicServiceEnvironmentAuthenticationType = Literal[
    "builtin", "oauth1", "oauth2", "oauth2client_credentials", "oauth2password", "token"
]

PUBLIC_SERVICE_ENVIRONMENT_AUTHENTICATION_TYPE_VALUES: set[
    PublicServiceEnvironmentAuthenticationType
] = {
    "builtin",
    "oauth1",
    "oauth2",
    "oauth2client_credentials",
    "oauth2password",
    "token",
}


def check_public_service_environment_authentication_type(
    value: str,
) -> PublicServiceEnvironmentAuthenticationType:
    if value in PUBLIC_SERVICE_ENVIRONMENT_AUTHENTICATION_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PUBLIC_SERVICE_ENVIRONMENT_AUTHENTICATION_TYPE_VALUES!r}"
    )
