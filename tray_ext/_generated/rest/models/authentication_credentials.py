from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.authentication_field_value_type_0_item import AuthenticationFieldValueType0Item
    from ..models.authentication_field_value_type_3 import AuthenticationFieldValueType3


T = TypeVar("T", bound="AuthenticationCredentials")


@_attrs_define
class AuthenticationCredentials:
    """Secret auth data (token, secret, ...), shaped by the environment's credentialsSchema.
    Never logged: the generated model's repr shows only the keys.

    """

    additional_properties: dict[
        str,
        AuthenticationFieldValueType3 | bool | int | list[AuthenticationFieldValueType0Item] | str,
    ] = _attrs_field(init=False, factory=dict)

    def __repr__(self) -> str:
        """tray-ext: the spec marks this model `x-tray-ext-secret`; its values never print."""
        return f"{type(self).__name__}(keys={sorted(self.additional_properties)!r})"

    def to_dict(self) -> dict[str, Any]:
        from ..models.authentication_field_value_type_3 import (
            AuthenticationFieldValueType3,  # noqa: PLC0415
        )

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, list):
                field_dict[prop_name] = []
                for componentsschemas_authentication_field_value_type_0_item_data in prop:
                    componentsschemas_authentication_field_value_type_0_item = (
                        componentsschemas_authentication_field_value_type_0_item_data.to_dict()
                    )
                    field_dict[prop_name].append(
                        componentsschemas_authentication_field_value_type_0_item
                    )

            elif isinstance(prop, AuthenticationFieldValueType3):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.authentication_field_value_type_0_item import (
            AuthenticationFieldValueType0Item,  # noqa: PLC0415
        )
        from ..models.authentication_field_value_type_3 import (
            AuthenticationFieldValueType3,  # noqa: PLC0415
        )

        d = dict(src_dict)
        authentication_credentials = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(
                data: object,
            ) -> (
                AuthenticationFieldValueType3
                | bool
                | int
                | list[AuthenticationFieldValueType0Item]
                | str
            ):
                try:
                    if not isinstance(data, list):
                        raise TypeError()
                    componentsschemas_authentication_field_value_type_0 = []
                    _componentsschemas_authentication_field_value_type_0 = data
                    for (
                        componentsschemas_authentication_field_value_type_0_item_data
                    ) in _componentsschemas_authentication_field_value_type_0:
                        componentsschemas_authentication_field_value_type_0_item = (
                            AuthenticationFieldValueType0Item.from_dict(
                                componentsschemas_authentication_field_value_type_0_item_data
                            )
                        )

                        componentsschemas_authentication_field_value_type_0.append(
                            componentsschemas_authentication_field_value_type_0_item
                        )

                    return componentsschemas_authentication_field_value_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_authentication_field_value_type_3 = (
                        AuthenticationFieldValueType3.from_dict(data)
                    )

                    return componentsschemas_authentication_field_value_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(
                    AuthenticationFieldValueType3
                    | bool
                    | int
                    | list[AuthenticationFieldValueType0Item]
                    | str,
                    data,
                )

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        authentication_credentials.additional_properties = additional_properties
        return authentication_credentials

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(
        self, key: str
    ) -> AuthenticationFieldValueType3 | bool | int | list[AuthenticationFieldValueType0Item] | str:
        return self.additional_properties[key]

    def __setitem__(
        self,
        key: str,
        value: AuthenticationFieldValueType3
        | bool
        | int
        | list[AuthenticationFieldValueType0Item]
        | str,
    ) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
