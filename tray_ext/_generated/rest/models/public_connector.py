from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.connector_service_reference import ConnectorServiceReference


T = TypeVar("T", bound="PublicConnector")


@_attrs_define
class PublicConnector:
    name: str
    """ Programmatic connector name. """
    version: str
    """ Decimal connector version, e.g. "9.0". """
    title: str
    description: str
    service: ConnectorServiceReference
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        version = self.version

        title = self.title

        description = self.description

        service = self.service.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "version": version,
                "title": title,
                "description": description,
                "service": service,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.connector_service_reference import ConnectorServiceReference  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        title = d.pop("title")

        description = d.pop("description")

        service = ConnectorServiceReference.from_dict(d.pop("service"))

        public_connector = cls(
            name=name,
            version=version,
            title=title,
            description=description,
            service=service,
        )

        public_connector.additional_properties = d
        return public_connector

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
