import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .async_base_client import TrayAsyncBaseClient
    from .async_client import AsyncTrayGraphQLClient
    from .authorize import Authorize, AuthorizeAuthorize
    from .base_client import TrayBaseClient
    from .base_model import BaseModel, Upload
    from .call_connector import CallConnector, CallConnectorCallConnector
    from .client import TrayGraphQLClient
    from .create_external_user import (
        CreateExternalUser,
        CreateExternalUserCreateExternalUser,
    )
    from .create_solution_instance import (
        CreateSolutionInstance,
        CreateSolutionInstanceCreateSolutionInstance,
        CreateSolutionInstanceCreateSolutionInstanceSolutionInstance,
    )
    from .create_user_authentication import (
        CreateUserAuthentication,
        CreateUserAuthenticationCreateUserAuthentication,
    )
    from .fragments import (
        SolutionInstanceFields,
        SolutionInstanceFieldsAuthValues,
        SolutionInstanceFieldsConfigValues,
        SolutionInstanceFieldsSolution,
    )
    from .generate_authorization_code import (
        GenerateAuthorizationCode,
        GenerateAuthorizationCodeGenerateAuthorizationCode,
    )
    from .input_types import (
        AuthorizeInput,
        AuthValue,
        ConfigValue,
        ConnectorCallInput,
        CreateExternalUserInput,
        CreateSolutionInstanceInput,
        CreateUserAuthenticationInput,
        GenerateAuthorizationCodeInput,
        RemoveExternalUserInput,
        RemoveSolutionInstanceInput,
        RemoveUserAuthenticationInput,
        SolutionInstanceSearchCriteria,
        SolutionSearchCriteria,
        UpdateExternalUserInput,
        UpdateSolutionInstanceInput,
        UpgradeSolutionInstanceInput,
        UserSearchCriteria,
    )
    from .list_authentication_names import (
        ListAuthenticationNames,
        ListAuthenticationNamesViewer,
        ListAuthenticationNamesViewerAuthentications,
        ListAuthenticationNamesViewerAuthenticationsEdges,
        ListAuthenticationNamesViewerAuthenticationsEdgesNode,
        ListAuthenticationNamesViewerAuthenticationsEdgesNodeService,
    )
    from .list_authentications import (
        ListAuthentications,
        ListAuthenticationsViewer,
        ListAuthenticationsViewerAuthentications,
        ListAuthenticationsViewerAuthenticationsEdges,
        ListAuthenticationsViewerAuthenticationsEdgesNode,
        ListAuthenticationsViewerAuthenticationsEdgesNodeService,
        ListAuthenticationsViewerAuthenticationsEdgesNodeServiceEnvironment,
        ListAuthenticationsViewerAuthenticationsPageInfo,
    )
    from .list_solution_instances import (
        ListSolutionInstances,
        ListSolutionInstancesViewer,
        ListSolutionInstancesViewerSolutionInstances,
        ListSolutionInstancesViewerSolutionInstancesEdges,
        ListSolutionInstancesViewerSolutionInstancesEdgesNode,
        ListSolutionInstancesViewerSolutionInstancesPageInfo,
    )
    from .list_solutions import (
        ListSolutions,
        ListSolutionsViewer,
        ListSolutionsViewerSolutions,
        ListSolutionsViewerSolutionsEdges,
        ListSolutionsViewerSolutionsEdgesNode,
        ListSolutionsViewerSolutionsEdgesNodeAuthSlots,
        ListSolutionsViewerSolutionsEdgesNodeConfigSlots,
        ListSolutionsViewerSolutionsPageInfo,
    )
    from .list_users import (
        ListUsers,
        ListUsersUsers,
        ListUsersUsersEdges,
        ListUsersUsersEdgesNode,
        ListUsersUsersPageInfo,
    )
    from .remove_authentication import (
        RemoveAuthentication,
        RemoveAuthenticationRemoveAuthentication,
    )
    from .remove_external_user import (
        RemoveExternalUser,
        RemoveExternalUserRemoveExternalUser,
    )
    from .remove_solution_instance import (
        RemoveSolutionInstance,
        RemoveSolutionInstanceRemoveSolutionInstance,
    )
    from .update_external_user import (
        UpdateExternalUser,
        UpdateExternalUserUpdateExternalUser,
        UpdateExternalUserUpdateExternalUserUser,
    )
    from .update_solution_instance import (
        UpdateSolutionInstance,
        UpdateSolutionInstanceUpdateSolutionInstance,
        UpdateSolutionInstanceUpdateSolutionInstanceSolutionInstance,
    )
    from .upgrade_solution_instance import (
        UpgradeSolutionInstance,
        UpgradeSolutionInstanceUpgradeSolutionInstance,
        UpgradeSolutionInstanceUpgradeSolutionInstanceSolutionInstance,
    )
_LAZY_IMPORTS = {
    "AsyncTrayGraphQLClient": ".async_client",
    "AuthValue": ".input_types",
    "Authorize": ".authorize",
    "AuthorizeAuthorize": ".authorize",
    "AuthorizeInput": ".input_types",
    "BaseModel": ".base_model",
    "CallConnector": ".call_connector",
    "CallConnectorCallConnector": ".call_connector",
    "ConfigValue": ".input_types",
    "ConnectorCallInput": ".input_types",
    "CreateExternalUser": ".create_external_user",
    "CreateExternalUserCreateExternalUser": ".create_external_user",
    "CreateExternalUserInput": ".input_types",
    "CreateSolutionInstance": ".create_solution_instance",
    "CreateSolutionInstanceCreateSolutionInstance": ".create_solution_instance",
    "CreateSolutionInstanceCreateSolutionInstanceSolutionInstance": ".create_solution_instance",
    "CreateSolutionInstanceInput": ".input_types",
    "CreateUserAuthentication": ".create_user_authentication",
    "CreateUserAuthenticationCreateUserAuthentication": ".create_user_authentication",
    "CreateUserAuthenticationInput": ".input_types",
    "GenerateAuthorizationCode": ".generate_authorization_code",
    "GenerateAuthorizationCodeGenerateAuthorizationCode": ".generate_authorization_code",
    "GenerateAuthorizationCodeInput": ".input_types",
    "ListAuthenticationNames": ".list_authentication_names",
    "ListAuthenticationNamesViewer": ".list_authentication_names",
    "ListAuthenticationNamesViewerAuthentications": ".list_authentication_names",
    "ListAuthenticationNamesViewerAuthenticationsEdges": ".list_authentication_names",
    "ListAuthenticationNamesViewerAuthenticationsEdgesNode": ".list_authentication_names",
    "ListAuthenticationNamesViewerAuthenticationsEdgesNodeService": ".list_authentication_names",
    "ListAuthentications": ".list_authentications",
    "ListAuthenticationsViewer": ".list_authentications",
    "ListAuthenticationsViewerAuthentications": ".list_authentications",
    "ListAuthenticationsViewerAuthenticationsEdges": ".list_authentications",
    "ListAuthenticationsViewerAuthenticationsEdgesNode": ".list_authentications",
    "ListAuthenticationsViewerAuthenticationsEdgesNodeService": ".list_authentications",
    "ListAuthenticationsViewerAuthenticationsEdgesNodeServiceEnvironment": ".list_authentications",
    "ListAuthenticationsViewerAuthenticationsPageInfo": ".list_authentications",
    "ListSolutionInstances": ".list_solution_instances",
    "ListSolutionInstancesViewer": ".list_solution_instances",
    "ListSolutionInstancesViewerSolutionInstances": ".list_solution_instances",
    "ListSolutionInstancesViewerSolutionInstancesEdges": ".list_solution_instances",
    "ListSolutionInstancesViewerSolutionInstancesEdgesNode": ".list_solution_instances",
    "ListSolutionInstancesViewerSolutionInstancesPageInfo": ".list_solution_instances",
    "ListSolutions": ".list_solutions",
    "ListSolutionsViewer": ".list_solutions",
    "ListSolutionsViewerSolutions": ".list_solutions",
    "ListSolutionsViewerSolutionsEdges": ".list_solutions",
    "ListSolutionsViewerSolutionsEdgesNode": ".list_solutions",
    "ListSolutionsViewerSolutionsEdgesNodeAuthSlots": ".list_solutions",
    "ListSolutionsViewerSolutionsEdgesNodeConfigSlots": ".list_solutions",
    "ListSolutionsViewerSolutionsPageInfo": ".list_solutions",
    "ListUsers": ".list_users",
    "ListUsersUsers": ".list_users",
    "ListUsersUsersEdges": ".list_users",
    "ListUsersUsersEdgesNode": ".list_users",
    "ListUsersUsersPageInfo": ".list_users",
    "RemoveAuthentication": ".remove_authentication",
    "RemoveAuthenticationRemoveAuthentication": ".remove_authentication",
    "RemoveExternalUser": ".remove_external_user",
    "RemoveExternalUserInput": ".input_types",
    "RemoveExternalUserRemoveExternalUser": ".remove_external_user",
    "RemoveSolutionInstance": ".remove_solution_instance",
    "RemoveSolutionInstanceInput": ".input_types",
    "RemoveSolutionInstanceRemoveSolutionInstance": ".remove_solution_instance",
    "RemoveUserAuthenticationInput": ".input_types",
    "SolutionInstanceFields": ".fragments",
    "SolutionInstanceFieldsAuthValues": ".fragments",
    "SolutionInstanceFieldsConfigValues": ".fragments",
    "SolutionInstanceFieldsSolution": ".fragments",
    "SolutionInstanceSearchCriteria": ".input_types",
    "SolutionSearchCriteria": ".input_types",
    "TrayAsyncBaseClient": ".async_base_client",
    "UpdateExternalUser": ".update_external_user",
    "UpdateExternalUserInput": ".input_types",
    "UpdateExternalUserUpdateExternalUser": ".update_external_user",
    "UpdateExternalUserUpdateExternalUserUser": ".update_external_user",
    "UpdateSolutionInstance": ".update_solution_instance",
    "UpdateSolutionInstanceInput": ".input_types",
    "UpdateSolutionInstanceUpdateSolutionInstance": ".update_solution_instance",
    "UpdateSolutionInstanceUpdateSolutionInstanceSolutionInstance": ".update_solution_instance",
    "UpgradeSolutionInstance": ".upgrade_solution_instance",
    "UpgradeSolutionInstanceInput": ".input_types",
    "UpgradeSolutionInstanceUpgradeSolutionInstance": ".upgrade_solution_instance",
    "UpgradeSolutionInstanceUpgradeSolutionInstanceSolutionInstance": ".upgrade_solution_instance",
    "Upload": ".base_model",
    "UserSearchCriteria": ".input_types",
    "TrayGraphQLClient": ".client",
    "TrayBaseClient": ".base_client",
}
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import the module a generated name lives in, the first time it is used."""
        module_name = _LAZY_IMPORTS.get(name)
        if module_name is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name, __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(__all__)


__all__ = [
    "AsyncTrayGraphQLClient",
    "AuthValue",
    "Authorize",
    "AuthorizeAuthorize",
    "AuthorizeInput",
    "BaseModel",
    "CallConnector",
    "CallConnectorCallConnector",
    "ConfigValue",
    "ConnectorCallInput",
    "CreateExternalUser",
    "CreateExternalUserCreateExternalUser",
    "CreateExternalUserInput",
    "CreateSolutionInstance",
    "CreateSolutionInstanceCreateSolutionInstance",
    "CreateSolutionInstanceCreateSolutionInstanceSolutionInstance",
    "CreateSolutionInstanceInput",
    "CreateUserAuthentication",
    "CreateUserAuthenticationCreateUserAuthentication",
    "CreateUserAuthenticationInput",
    "GenerateAuthorizationCode",
    "GenerateAuthorizationCodeGenerateAuthorizationCode",
    "GenerateAuthorizationCodeInput",
    "ListAuthenticationNames",
    "ListAuthenticationNamesViewer",
    "ListAuthenticationNamesViewerAuthentications",
    "ListAuthenticationNamesViewerAuthenticationsEdges",
    "ListAuthenticationNamesViewerAuthenticationsEdgesNode",
    "ListAuthenticationNamesViewerAuthenticationsEdgesNodeService",
    "ListAuthentications",
    "ListAuthenticationsViewer",
    "ListAuthenticationsViewerAuthentications",
    "ListAuthenticationsViewerAuthenticationsEdges",
    "ListAuthenticationsViewerAuthenticationsEdgesNode",
    "ListAuthenticationsViewerAuthenticationsEdgesNodeService",
    "ListAuthenticationsViewerAuthenticationsEdgesNodeServiceEnvironment",
    "ListAuthenticationsViewerAuthenticationsPageInfo",
    "ListSolutionInstances",
    "ListSolutionInstancesViewer",
    "ListSolutionInstancesViewerSolutionInstances",
    "ListSolutionInstancesViewerSolutionInstancesEdges",
    "ListSolutionInstancesViewerSolutionInstancesEdgesNode",
    "ListSolutionInstancesViewerSolutionInstancesPageInfo",
    "ListSolutions",
    "ListSolutionsViewer",
    "ListSolutionsViewerSolutions",
    "ListSolutionsViewerSolutionsEdges",
    "ListSolutionsViewerSolutionsEdgesNode",
    "ListSolutionsViewerSolutionsEdgesNodeAuthSlots",
    "ListSolutionsViewerSolutionsEdgesNodeConfigSlots",
    "ListSolutionsViewerSolutionsPageInfo",
    "ListUsers",
    "ListUsersUsers",
    "ListUsersUsersEdges",
    "ListUsersUsersEdgesNode",
    "ListUsersUsersPageInfo",
    "RemoveAuthentication",
    "RemoveAuthenticationRemoveAuthentication",
    "RemoveExternalUser",
    "RemoveExternalUserInput",
    "RemoveExternalUserRemoveExternalUser",
    "RemoveSolutionInstance",
    "RemoveSolutionInstanceInput",
    "RemoveSolutionInstanceRemoveSolutionInstance",
    "RemoveUserAuthenticationInput",
    "SolutionInstanceFields",
    "SolutionInstanceFieldsAuthValues",
    "SolutionInstanceFieldsConfigValues",
    "SolutionInstanceFieldsSolution",
    "SolutionInstanceSearchCriteria",
    "SolutionSearchCriteria",
    "TrayAsyncBaseClient",
    "TrayBaseClient",
    "TrayGraphQLClient",
    "UpdateExternalUser",
    "UpdateExternalUserInput",
    "UpdateExternalUserUpdateExternalUser",
    "UpdateExternalUserUpdateExternalUserUser",
    "UpdateSolutionInstance",
    "UpdateSolutionInstanceInput",
    "UpdateSolutionInstanceUpdateSolutionInstance",
    "UpdateSolutionInstanceUpdateSolutionInstanceSolutionInstance",
    "UpgradeSolutionInstance",
    "UpgradeSolutionInstanceInput",
    "UpgradeSolutionInstanceUpgradeSolutionInstance",
    "UpgradeSolutionInstanceUpgradeSolutionInstanceSolutionInstance",
    "Upload",
    "UserSearchCriteria",
]
