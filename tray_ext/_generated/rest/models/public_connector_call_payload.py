from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.connector_input import ConnectorInput


T = TypeVar("T", bound="PublicConnectorCallPayload")


@_attrs_define
class PublicConnectorCallPayload:
    operation: str
    input_: ConnectorInput
    """ The operation's input, shaped by its inputSchema. """
    auth_id: UUID | Unset = UNSET
    return_output_schema: bool | Unset = UNSET
    """ Only for operations with hasDynamicOutput. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        operation = self.operation

        input_ = self.input_.to_dict()

        auth_id: str | Unset = UNSET
        if not isinstance(self.auth_id, Unset):
            auth_id = str(self.auth_id)

        return_output_schema = self.return_output_schema

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "operation": operation,
                "input": input_,
            }
        )
        if auth_id is not UNSET:
            field_dict["authId"] = auth_id
        if return_output_schema is not UNSET:
            field_dict["returnOutputSchema"] = return_output_schema

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_input import ConnectorInput  # noqa: PLC0415

        d = dict(src_dict)
        operation = d.pop("operation")

        input_ = ConnectorInput.from_dict(d.pop("input"))

        _auth_id = d.pop("authId", UNSET)
        auth_id: UUID | Unset
        if isinstance(_auth_id, Unset):
            auth_id = UNSET
        else:
            auth_id = UUID(_auth_id)

        return_output_schema = d.pop("returnOutputSchema", UNSET)

        public_connector_call_payload = cls(
            operation=operation,
            input_=input_,
            auth_id=auth_id,
            return_output_schema=return_output_schema,
        )

        public_connector_call_payload.additional_properties = d
        return public_connector_call_payload

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
