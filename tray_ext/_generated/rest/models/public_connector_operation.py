from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.json_schema_document import JsonSchemaDocument


T = TypeVar("T", bound="PublicConnectorOperation")


@_attrs_define
class PublicConnectorOperation:
    name: str
    title: str
    description: str
    input_schema: JsonSchemaDocument
    """ A JSON Schema as Tray publishes it: drafts are mixed (draft-03 `required: true` beside
    draft-04+ required lists), with Tray extensions such as `advanced` and `lookup`.
     """
    output_schema: JsonSchemaDocument
    """ A JSON Schema as Tray publishes it: drafts are mixed (draft-03 `required: true` beside
    draft-04+ required lists), with Tray extensions such as `advanced` and `lookup`.
     """
    has_dynamic_output: bool
    auth_scopes: list[str] | Unset = UNSET
    """ OAuth scopes the operation needs. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        title = self.title

        description = self.description

        input_schema = self.input_schema.to_dict()

        output_schema = self.output_schema.to_dict()

        has_dynamic_output = self.has_dynamic_output

        auth_scopes: list[str] | Unset = UNSET
        if not isinstance(self.auth_scopes, Unset):
            auth_scopes = self.auth_scopes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "title": title,
                "description": description,
                "inputSchema": input_schema,
                "outputSchema": output_schema,
                "hasDynamicOutput": has_dynamic_output,
            }
        )
        if auth_scopes is not UNSET:
            field_dict["authScopes"] = auth_scopes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.json_schema_document import JsonSchemaDocument  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        title = d.pop("title")

        description = d.pop("description")

        input_schema = JsonSchemaDocument.from_dict(d.pop("inputSchema"))

        output_schema = JsonSchemaDocument.from_dict(d.pop("outputSchema"))

        has_dynamic_output = d.pop("hasDynamicOutput")

        auth_scopes = cast(list[str], d.pop("authScopes", UNSET))

        public_connector_operation = cls(
            name=name,
            title=title,
            description=description,
            input_schema=input_schema,
            output_schema=output_schema,
            has_dynamic_output=has_dynamic_output,
            auth_scopes=auth_scopes,
        )

        public_connector_operation.additional_properties = d
        return public_connector_operation

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
