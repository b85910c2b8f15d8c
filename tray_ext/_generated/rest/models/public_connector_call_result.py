from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.public_connector_call_result_outcome import (
    PublicConnectorCallResultOutcome,
    check_public_connector_call_result_outcome,
)

if TYPE_CHECKING:
    from ..models.connector_output import ConnectorOutput


T = TypeVar("T", bound="PublicConnectorCallResult")


@_attrs_define
class PublicConnectorCallResult:
    outcome: PublicConnectorCallResultOutcome
    output: ConnectorOutput
    """ The operation's output, or the third party's error detail when outcome is error. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        outcome: str = self.outcome

        output = self.output.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outcome": outcome,
                "output": output,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_output import ConnectorOutput  # noqa: PLC0415

        d = dict(src_dict)
        outcome = check_public_connector_call_result_outcome(d.pop("outcome"))

        output = ConnectorOutput.from_dict(d.pop("output"))

        public_connector_call_result = cls(
            outcome=outcome,
            output=output,
        )

        public_connector_call_result.additional_properties = d
        return public_connector_call_result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
