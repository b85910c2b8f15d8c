"""Contains all the data models used in inputs/outputs"""

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
from .resource_not_found import ResourceNotFound
from .service_environment_scope import ServiceEnvironmentScope
from .unauthorized import Unauthorized
from .update_public_user_authentication_http import UpdatePublicUserAuthenticationHttp
from .update_public_user_authentication_result import UpdatePublicUserAuthenticationResult

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
    "ResourceNotFound",
    "ServiceEnvironmentScope",
    "Unauthorized",
    "UpdatePublicUserAuthenticationHttp",
    "UpdatePublicUserAuthenticationResult",
)
