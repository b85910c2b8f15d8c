from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.authentication_credentials import AuthenticationCredentials
    from ..models.authentication_user_data import AuthenticationUserData


T = TypeVar("T", bound="UpdatePublicUserAuthenticationHttp")


@_attrs_define
class UpdatePublicUserAuthenticationHttp:
    name: str
    credentials: AuthenticationCredentials
    """ Secret auth data (token, secret, ...), shaped by the environment's credentialsSchema.
    Never logged: the generated model's repr shows only the keys.
     """
    user_data: AuthenticationUserData | Unset = UNSET
    """ Non-credential auth data (base URL, region, subdomain, ...), shaped by the environment's
    userDataSchema; a field with `format: password` there is secret too.
     """
    scopes: list[str] | Unset = UNSET
    """ OAuth scopes, e.g. ["chat:write", "channels:read"]; see Get service environments. """
    on_prem_agent_group_id: UUID | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        credentials = self.credentials.to_dict()

        user_data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_data, Unset):
            user_data = self.user_data.to_dict()

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        on_prem_agent_group_id: str | Unset = UNSET
        if not isinstance(self.on_prem_agent_group_id, Unset):
            on_prem_agent_group_id = str(self.on_prem_agent_group_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "credentials": credentials,
            }
        )
        if user_data is not UNSET:
            field_dict["userData"] = user_data
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
        name = d.pop("name")

        credentials = AuthenticationCredentials.from_dict(d.pop("credentials"))

        _user_data = d.pop("userData", UNSET)
        user_data: AuthenticationUserData | Unset
        if isinstance(_user_data, Unset):
            user_data = UNSET
        else:
            user_data = AuthenticationUserData.from_dict(_user_data)

        scopes = cast(list[str], d.pop("scopes", UNSET))

        _on_prem_agent_group_id = d.pop("onPremAgentGroupId", UNSET)
        on_prem_agent_group_id: UUID | Unset
        if isinstance(_on_prem_agent_group_id, Unset):
            on_prem_agent_group_id = UNSET
        else:
            on_prem_agent_group_id = UUID(_on_prem_agent_group_id)

        update_public_user_authentication_http = cls(
            name=name,
            credentials=credentials,
            user_data=user_data,
            scopes=scopes,
            on_prem_agent_group_id=on_prem_agent_group_id,
        )

        update_public_user_authentication_http.additional_properties = d
        return update_public_user_authentication_http

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
