"""Contains all the data models used in inputs/outputs

Each model's module is imported the first time the model is used, not with this package.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .authentication_credentials import AuthenticationCredentials
    from .authentication_field_value_type_0_item import AuthenticationFieldValueType0Item
    from .authentication_field_value_type_3 import AuthenticationFieldValueType3
    from .authentication_user_data import AuthenticationUserData
    from .connector_input import ConnectorInput
    from .connector_output import ConnectorOutput
    from .connector_service_reference import ConnectorServiceReference
    from .create_public_user_authentication import CreatePublicUserAuthentication
    from .create_public_user_authentication_result import CreatePublicUserAuthenticationResult
    from .error_body import ErrorBody
    from .forbidden import Forbidden
    from .get_full_user_authentication_result import GetFullUserAuthenticationResult
    from .get_user_authentication_result import GetUserAuthenticationResult
    from .internal_error import InternalError
    from .invalid_input import InvalidInput
    from .json_schema_document import JsonSchemaDocument
    from .limit_exceeded import LimitExceeded
    from .public_connector import PublicConnector
    from .public_connector_call_payload import PublicConnectorCallPayload
    from .public_connector_call_result import PublicConnectorCallResult
    from .public_connector_call_result_outcome import PublicConnectorCallResultOutcome
    from .public_connector_list import PublicConnectorList
    from .public_connector_operation import PublicConnectorOperation
    from .public_connector_operation_list import PublicConnectorOperationList
    from .public_service_environment import PublicServiceEnvironment
    from .public_service_environment_authentication_type import (
        PublicServiceEnvironmentAuthenticationType,
    )
    from .public_service_environment_list import PublicServiceEnvironmentList
    from .public_service_environment_scopes_item_type_0_item import (
        PublicServiceEnvironmentScopesItemType0Item,
    )
    from .resource_not_found import ResourceNotFound
    from .service_environment_scope import ServiceEnvironmentScope
    from .unauthorized import Unauthorized
    from .update_public_user_authentication_http import UpdatePublicUserAuthenticationHttp
    from .update_public_user_authentication_result import UpdatePublicUserAuthenticationResult

_LAZY_IMPORTS: dict[str, str] = {
    "AuthenticationCredentials": ".authentication_credentials",
    "AuthenticationFieldValueType0Item": ".authentication_field_value_type_0_item",
    "AuthenticationFieldValueType3": ".authentication_field_value_type_3",
    "AuthenticationUserData": ".authentication_user_data",
    "ConnectorInput": ".connector_input",
    "ConnectorOutput": ".connector_output",
    "ConnectorServiceReference": ".connector_service_reference",
    "CreatePublicUserAuthentication": ".create_public_user_authentication",
    "CreatePublicUserAuthenticationResult": ".create_public_user_authentication_result",
    "ErrorBody": ".error_body",
    "Forbidden": ".forbidden",
    "GetFullUserAuthenticationResult": ".get_full_user_authentication_result",
    "GetUserAuthenticationResult": ".get_user_authentication_result",
    "InternalError": ".internal_error",
    "InvalidInput": ".invalid_input",
    "JsonSchemaDocument": ".json_schema_document",
    "LimitExceeded": ".limit_exceeded",
    "PublicConnector": ".public_connector",
    "PublicConnectorCallPayload": ".public_connector_call_payload",
    "PublicConnectorCallResult": ".public_connector_call_result",
    "PublicConnectorCallResultOutcome": ".public_connector_call_result_outcome",
    "PublicConnectorList": ".public_connector_list",
    "PublicConnectorOperation": ".public_connector_operation",
    "PublicConnectorOperationList": ".public_connector_operation_list",
    "PublicServiceEnvironment": ".public_service_environment",
    "PublicServiceEnvironmentAuthenticationType": ".public_service_environment_authentication_type",
    "PublicServiceEnvironmentList": ".public_service_environment_list",
    "PublicServiceEnvironmentScopesItemType0Item": ".public_service_environment_scopes_item_type_0_item",
    "ResourceNotFound": ".resource_not_found",
    "ServiceEnvironmentScope": ".service_environment_scope",
    "Unauthorized": ".unauthorized",
    "UpdatePublicUserAuthenticationHttp": ".update_public_user_authentication_http",
    "UpdatePublicUserAuthenticationResult": ".update_public_user_authentication_result",
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        module_name = _LAZY_IMPORTS.get(name)
        if module_name is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name, __name__), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(__all__)


__all__ = (
    "AuthenticationCredentials",
    "AuthenticationFieldValueType0Item",
    "AuthenticationFieldValueType3",
    "AuthenticationUserData",
    "ConnectorInput",
    "ConnectorOutput",
    "ConnectorServiceReference",
    "CreatePublicUserAuthentication",
    "CreatePublicUserAuthenticationResult",
    "ErrorBody",
    "Forbidden",
    "GetFullUserAuthenticationResult",
    "GetUserAuthenticationResult",
    "InternalError",
    "InvalidInput",
    "JsonSchemaDocument",
    "LimitExceeded",
    "PublicConnector",
    "PublicConnectorCallPayload",
    "PublicConnectorCallResult",
    "PublicConnectorCallResultOutcome",
    "PublicConnectorList",
    "PublicConnectorOperation",
    "PublicConnectorOperationList",
    "PublicServiceEnvironment",
    "PublicServiceEnvironmentAuthenticationType",
    "PublicServiceEnvironmentList",
    "PublicServiceEnvironmentScopesItemType0Item",
    "ResourceNotFound",
    "ServiceEnvironmentScope",
    "Unauthorized",
    "UpdatePublicUserAuthenticationHttp",
    "UpdatePublicUserAuthenticationResult",
)
