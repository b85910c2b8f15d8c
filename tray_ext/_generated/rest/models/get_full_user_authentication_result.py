from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.authentication_credentials import AuthenticationCredentials
    from ..models.authentication_user_data import AuthenticationUserData


T = TypeVar("T", bound="GetFullUserAuthenticationResult")


@_attrs_define
class GetFullUserAuthenticationResult:
    id: str
    name: str
    service_environment_id: str
    user_data: AuthenticationUserData
    """ Non-credential auth data (base URL, region, subdomain, ...), shaped by the environment's
    userDataSchema; a field with `format: password` there is secret too.
     """
    credentials: AuthenticationCredentials
    """ Secret auth data (token, secret, ...), shaped by the environment's credentialsSchema.
    Never logged: the generated model's repr shows only the keys.
     """
    scopes: list[str] | Unset = UNSET
    """ OAuth scopes, e.g. ["chat:write", "channels:read"]; see Get service environments. """
    on_prem_agent_group_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        service_environment_id = self.service_environment_id

        user_data = self.user_data.to_dict()

        credentials = self.credentials.to_dict()

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        on_prem_agent_group_id = self.on_prem_agent_group_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "serviceEnvironmentId": service_environment_id,
                "userData": user_data,
                "credentials": credentials,
            }
        )
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if on_prem_agent_group_id is not UNSET:
            field_dict["onPremAgentGroupId"] = on_prem_agent_group_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.authentication_credentials import AuthenticationCredentials  # noqa: PLC0415
        from ..models.authentication_user_data import AuthenticationUserData  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        service_environment_id = d.pop("serviceEnvironmentId")

        user_data = AuthenticationUserData.from_dict(d.pop("userData"))

        credentials = AuthenticationCredentials.from_dict(d.pop("credentials"))

        scopes = cast(list[str], d.pop("scopes", UNSET))

        on_prem_agent_group_id = d.pop("onPremAgentGroupId", UNSET)

        get_full_user_authentication_result = cls(
            id=id,
            name=name,
            service_environment_id=service_environment_id,
            user_data=user_data,
            credentials=credentials,
            scopes=scopes,
            on_prem_agent_group_id=on_prem_agent_group_id,
        )

        get_full_user_authentication_result.additional_properties = d
        return get_full_user_authentication_result

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
