from .async_base_client import TrayAsyncBaseClient
from .authorize import Authorize, AuthorizeAuthorize
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

__all__ = [
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
