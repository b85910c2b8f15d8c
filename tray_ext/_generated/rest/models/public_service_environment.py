from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.public_service_environment_authentication_type import (
    PublicServiceEnvironmentAuthenticationType,
    check_public_service_environment_authentication_type,
)

if TYPE_CHECKING:
    from ..models.json_schema_document import JsonSchemaDocument
    from ..models.public_service_environment_scopes_item_type_0_item import (
        PublicServiceEnvironmentScopesItemType0Item,
    )
    from ..models.service_environment_scope import ServiceEnvironmentScope


T = TypeVar("T", bound="PublicServiceEnvironment")


@_attrs_define
class PublicServiceEnvironment:
    id: str
    title: str
    """ "Production" by default, or the custom OAuth app's title. """
    authentication_type: PublicServiceEnvironmentAuthenticationType
    user_data_schema: JsonSchemaDocument
    """ A JSON Schema as Tray publishes it: drafts are mixed (draft-03 `required: true` beside
    draft-04+ required lists), with Tray extensions such as `advanced` and `lookup`.
     """
    credentials_schema: JsonSchemaDocument
    """ A JSON Schema as Tray publishes it: drafts are mixed (draft-03 `required: true` beside
    draft-04+ required lists), with Tray extensions such as `advanced` and `lookup`.
     """
    scopes: list[
        bool
        | int
        | list[PublicServiceEnvironmentScopesItemType0Item]
        | ServiceEnvironmentScope
        | str
    ]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.service_environment_scope import ServiceEnvironmentScope  # noqa: PLC0415

        id = self.id

        title = self.title

        authentication_type: str = self.authentication_type

        user_data_schema = self.user_data_schema.to_dict()

        credentials_schema = self.credentials_schema.to_dict()

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item: bool | dict[str, Any] | int | list[dict[str, Any]] | str
            if isinstance(scopes_item_data, list):
                scopes_item = []
                for scopes_item_type_0_item_data in scopes_item_data:
                    scopes_item_type_0_item = scopes_item_type_0_item_data.to_dict()
                    scopes_item.append(scopes_item_type_0_item)

            elif isinstance(scopes_item_data, ServiceEnvironmentScope):
                scopes_item = scopes_item_data.to_dict()
            else:
                scopes_item = scopes_item_data
            scopes.append(scopes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "title": title,
                "authenticationType": authentication_type,
                "userDataSchema": user_data_schema,
                "credentialsSchema": credentials_schema,
                "scopes": scopes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.json_schema_document import JsonSchemaDocument  # noqa: PLC0415
        from ..models.public_service_environment_scopes_item_type_0_item import (
            PublicServiceEnvironmentScopesItemType0Item,  # noqa: PLC0415
        )
        from ..models.service_environment_scope import ServiceEnvironmentScope  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        title = d.pop("title")

        authentication_type = check_public_service_environment_authentication_type(
            d.pop("authenticationType")
        )

        user_data_schema = JsonSchemaDocument.from_dict(d.pop("userDataSchema"))

        credentials_schema = JsonSchemaDocument.from_dict(d.pop("credentialsSchema"))

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in _scopes:

            def _parse_scopes_item(
                data: object,
            ) -> (
                bool
                | int
                | list[PublicServiceEnvironmentScopesItemType0Item]
                | ServiceEnvironmentScope
                | str
            ):
                try:
                    if not isinstance(data, list):
                        raise TypeError()
                    scopes_item_type_0 = []
                    _scopes_item_type_0 = data
                    for scopes_item_type_0_item_data in _scopes_item_type_0:
                        scopes_item_type_0_item = (
                            PublicServiceEnvironmentScopesItemType0Item.from_dict(
                                scopes_item_type_0_item_data
                            )
                        )

                        scopes_item_type_0.append(scopes_item_type_0_item)

                    return scopes_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    scopes_item_type_3 = ServiceEnvironmentScope.from_dict(data)

                    return scopes_item_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(
                    bool
                    | int
                    | list[PublicServiceEnvironmentScopesItemType0Item]
                    | ServiceEnvironmentScope
                    | str,
                    data,
                )

            scopes_item = _parse_scopes_item(scopes_item_data)

            scopes.append(scopes_item)

        public_service_environment = cls(
            id=id,
            title=title,
            authentication_type=authentication_type,
            user_data_schema=user_data_schema,
            credentials_schema=credentials_schema,
            scopes=scopes,
        )

        public_service_environment.additional_properties = d
        return public_service_environment

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
