from typing import TYPE_CHECKING, Any, Optional, Union

from .async_base_client import TrayAsyncBaseClient
from .base_model import UNSET
from .json_scalar import serialize_json

if TYPE_CHECKING:
    from .authorize import Authorize
    from .base_model import UnsetType
    from .call_connector import CallConnector
    from .create_external_user import CreateExternalUser
    from .create_solution_instance import CreateSolutionInstance
    from .create_user_authentication import CreateUserAuthentication
    from .generate_authorization_code import GenerateAuthorizationCode
    from .input_types import (
        AuthValue,
        ConfigValue,
        SolutionInstanceSearchCriteria,
        SolutionSearchCriteria,
        UserSearchCriteria,
    )
    from .list_authentication_names import ListAuthenticationNames
    from .list_authentications import ListAuthentications
    from .list_solution_instances import ListSolutionInstances
    from .list_solutions import ListSolutions
    from .list_users import ListUsers
    from .remove_authentication import RemoveAuthentication
    from .remove_external_user import RemoveExternalUser
    from .remove_solution_instance import RemoveSolutionInstance
    from .update_external_user import UpdateExternalUser
    from .update_solution_instance import UpdateSolutionInstance
    from .upgrade_solution_instance import UpgradeSolutionInstance


def gql(q: str) -> str:
    return q


class AsyncTrayGraphQLClient(TrayAsyncBaseClient):
    async def list_authentications(self, **kwargs: Any) -> "ListAuthentications":
        from .list_authentications import ListAuthentications

        query = gql("""
            query ListAuthentications {
              viewer {
                authentications {
                  edges {
                    node {
                      id
                      name
                      customFields
                      service {
                        id
                        name
                        icon
                        title
                        version
                      }
                      serviceEnvironment {
                        id
                        title
                      }
                    }
                  }
                  pageInfo {
                    hasNextPage
                    hasPreviousPage
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query,
            operation_name="ListAuthentications",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ListAuthentications.model_validate(data)

    async def list_authentication_names(self, **kwargs: Any) -> "ListAuthenticationNames":
        from .list_authentication_names import ListAuthenticationNames

        query = gql("""
            query ListAuthenticationNames {
              viewer {
                authentications {
                  edges {
                    node {
                      id
                      name
                      service {
                        id
                        name
                        icon
                        title
                        version
                      }
                    }
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query,
            operation_name="ListAuthenticationNames",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ListAuthenticationNames.model_validate(data)

    async def create_user_authentication(
        self,
        name: str,
        service_id: str,
        service_environment_id: str,
        data: Any,
        form_data: Union[Optional[Any], "UnsetType"] = UNSET,
        scopes: Union[Optional[list[str]], "UnsetType"] = UNSET,
        hidden: Union[Optional[bool], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "CreateUserAuthentication":
        from .create_user_authentication import CreateUserAuthentication

        query = gql("""
            mutation CreateUserAuthentication($name: String!, $serviceId: String!, $serviceEnvironmentId: String!, $data: Json!, $formData: Json, $scopes: [String!], $hidden: Boolean) {
              createUserAuthentication(
                input: {name: $name, serviceId: $serviceId, serviceEnvironmentId: $serviceEnvironmentId, data: $data, formData: $formData, scopes: $scopes, hidden: $hidden}
              ) {
                authenticationId
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "serviceId": service_id,
            "serviceEnvironmentId": service_environment_id,
            "data": serialize_json(data),
            "formData": serialize_json(form_data),
            "scopes": scopes,
            "hidden": hidden,
        }
        response = await self.execute(
            query=query,
            operation_name="CreateUserAuthentication",
            variables=variables,
            **kwargs,
        )
        _data = self.get_data(response)
        return CreateUserAuthentication.model_validate(_data)

    async def remove_authentication(
        self, authentication_id: str, **kwargs: Any
    ) -> "RemoveAuthentication":
        from .remove_authentication import RemoveAuthentication

        query = gql("""
            mutation RemoveAuthentication($authenticationId: ID!) {
              removeAuthentication(input: {authenticationId: $authenticationId}) {
                clientMutationId
              }
            }
            """)
        variables: dict[str, object] = {"authenticationId": authentication_id}
        response = await self.execute(
            query=query,
            operation_name="RemoveAuthentication",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RemoveAuthentication.model_validate(data)

    async def call_connector(
        self,
        connector: str,
        version: str,
        operation: str,
        input: Any,
        auth_id: Union[Optional[str], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "CallConnector":
        from .call_connector import CallConnector

        query = gql("""
            mutation CallConnector($connector: String!, $version: String!, $operation: String!, $authId: String, $input: Json!) {
              callConnector(
                input: {connector: $connector, version: $version, operation: $operation, authId: $authId, input: $input}
              ) {
                output
              }
            }
            """)
        variables: dict[str, object] = {
            "connector": connector,
            "version": version,
            "operation": operation,
            "authId": auth_id,
            "input": serialize_json(input),
        }
        response = await self.execute(
            query=query, operation_name="CallConnector", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CallConnector.model_validate(data)

    async def list_solutions(
        self,
        criteria: Union[Optional["SolutionSearchCriteria"], "UnsetType"] = UNSET,
        first: Union[Optional[int], "UnsetType"] = UNSET,
        after: Union[Optional[str], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "ListSolutions":
        from .list_solutions import ListSolutions

        query = gql("""
            query ListSolutions($criteria: SolutionSearchCriteria, $first: Int, $after: String) {
              viewer {
                solutions(criteria: $criteria, first: $first, after: $after) {
                  edges {
                    cursor
                    node {
                      id
                      title
                      description
                      tags
                      authSlots {
                        externalId
                        title
                      }
                      configSlots {
                        externalId
                        title
                        defaultValue
                      }
                    }
                  }
                  pageInfo {
                    hasNextPage
                    endCursor
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "criteria": criteria,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="ListSolutions", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ListSolutions.model_validate(data)

    async def list_solution_instances(
        self,
        criteria: Union[Optional["SolutionInstanceSearchCriteria"], "UnsetType"] = UNSET,
        first: Union[Optional[int], "UnsetType"] = UNSET,
        after: Union[Optional[str], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "ListSolutionInstances":
        from .list_solution_instances import ListSolutionInstances

        query = gql("""
            query ListSolutionInstances($criteria: SolutionInstanceSearchCriteria, $first: Int, $after: String) {
              viewer {
                solutionInstances(criteria: $criteria, first: $first, after: $after) {
                  edges {
                    cursor
                    node {
                      ...SolutionInstanceFields
                    }
                  }
                  pageInfo {
                    hasNextPage
                    endCursor
                  }
                  totalCount
                }
              }
            }

            fragment SolutionInstanceFields on SolutionInstance {
              id
              name
              enabled
              owner
              created
              solution {
                id
                title
              }
              authValues {
                externalId
                authId
              }
              configValues {
                externalId
                value
              }
            }
            """)
        variables: dict[str, object] = {
            "criteria": criteria,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query,
            operation_name="ListSolutionInstances",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ListSolutionInstances.model_validate(data)

    async def create_solution_instance(
        self,
        solution_id: str,
        instance_name: str,
        auth_values: Union[Optional[list["AuthValue"]], "UnsetType"] = UNSET,
        config_values: Union[Optional[list["ConfigValue"]], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "CreateSolutionInstance":
        from .create_solution_instance import CreateSolutionInstance

        query = gql("""
            mutation CreateSolutionInstance($solutionId: ID!, $instanceName: String!, $authValues: [AuthValue!], $configValues: [ConfigValue!]) {
              createSolutionInstance(
                input: {solutionId: $solutionId, instanceName: $instanceName, authValues: $authValues, configValues: $configValues}
              ) {
                solutionInstance {
                  ...SolutionInstanceFields
                }
              }
            }

            fragment SolutionInstanceFields on SolutionInstance {
              id
              name
              enabled
              owner
              created
              solution {
                id
                title
              }
              authValues {
                externalId
                authId
              }
              configValues {
                externalId
                value
              }
            }
            """)
        variables: dict[str, object] = {
            "solutionId": solution_id,
            "instanceName": instance_name,
            "authValues": auth_values,
            "configValues": config_values,
        }
        response = await self.execute(
            query=query,
            operation_name="CreateSolutionInstance",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateSolutionInstance.model_validate(data)

    async def update_solution_instance(
        self,
        solution_instance_id: str,
        instance_name: Union[Optional[str], "UnsetType"] = UNSET,
        enabled: Union[Optional[bool], "UnsetType"] = UNSET,
        auth_values: Union[Optional[list["AuthValue"]], "UnsetType"] = UNSET,
        config_values: Union[Optional[list["ConfigValue"]], "UnsetType"] = UNSET,
        error_on_enabling_with_missing_values: Union[Optional[bool], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "UpdateSolutionInstance":
        from .update_solution_instance import UpdateSolutionInstance

        query = gql("""
            mutation UpdateSolutionInstance($solutionInstanceId: ID!, $instanceName: String, $enabled: Boolean, $authValues: [AuthValue!], $configValues: [ConfigValue!], $errorOnEnablingWithMissingValues: Boolean) {
              updateSolutionInstance(
                input: {solutionInstanceId: $solutionInstanceId, instanceName: $instanceName, enabled: $enabled, authValues: $authValues, configValues: $configValues, errorOnEnablingWithMissingValues: $errorOnEnablingWithMissingValues}
              ) {
                solutionInstance {
                  ...SolutionInstanceFields
                }
              }
            }

            fragment SolutionInstanceFields on SolutionInstance {
              id
              name
              enabled
              owner
              created
              solution {
                id
                title
              }
              authValues {
                externalId
                authId
              }
              configValues {
                externalId
                value
              }
            }
            """)
        variables: dict[str, object] = {
            "solutionInstanceId": solution_instance_id,
            "instanceName": instance_name,
            "enabled": enabled,
            "authValues": auth_values,
            "configValues": config_values,
            "errorOnEnablingWithMissingValues": error_on_enabling_with_missing_values,
        }
        response = await self.execute(
            query=query,
            operation_name="UpdateSolutionInstance",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UpdateSolutionInstance.model_validate(data)

    async def upgrade_solution_instance(
        self,
        solution_instance_id: str,
        auth_values: Union[Optional[list["AuthValue"]], "UnsetType"] = UNSET,
        config_values: Union[Optional[list["ConfigValue"]], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "UpgradeSolutionInstance":
        from .upgrade_solution_instance import UpgradeSolutionInstance

        query = gql("""
            mutation UpgradeSolutionInstance($solutionInstanceId: ID!, $authValues: [AuthValue!], $configValues: [ConfigValue!]) {
              upgradeSolutionInstance(
                input: {solutionInstanceId: $solutionInstanceId, authValues: $authValues, configValues: $configValues}
              ) {
                solutionInstance {
                  ...SolutionInstanceFields
                }
              }
            }

            fragment SolutionInstanceFields on SolutionInstance {
              id
              name
              enabled
              owner
              created
              solution {
                id
                title
              }
              authValues {
                externalId
                authId
              }
              configValues {
                externalId
                value
              }
            }
            """)
        variables: dict[str, object] = {
            "solutionInstanceId": solution_instance_id,
            "authValues": auth_values,
            "configValues": config_values,
        }
        response = await self.execute(
            query=query,
            operation_name="UpgradeSolutionInstance",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UpgradeSolutionInstance.model_validate(data)

    async def remove_solution_instance(
        self, solution_instance_id: str, **kwargs: Any
    ) -> "RemoveSolutionInstance":
        from .remove_solution_instance import RemoveSolutionInstance

        query = gql("""
            mutation RemoveSolutionInstance($solutionInstanceId: ID!) {
              removeSolutionInstance(input: {solutionInstanceId: $solutionInstanceId}) {
                clientMutationId
              }
            }
            """)
        variables: dict[str, object] = {"solutionInstanceId": solution_instance_id}
        response = await self.execute(
            query=query,
            operation_name="RemoveSolutionInstance",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RemoveSolutionInstance.model_validate(data)

    async def list_users(
        self,
        criteria: Union[Optional["UserSearchCriteria"], "UnsetType"] = UNSET,
        first: Union[Optional[int], "UnsetType"] = UNSET,
        after: Union[Optional[str], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "ListUsers":
        from .list_users import ListUsers

        query = gql("""
            query ListUsers($criteria: UserSearchCriteria, $first: Int, $after: String) {
              users(criteria: $criteria, first: $first, after: $after) {
                edges {
                  cursor
                  node {
                    id
                    name
                    externalUserId
                    isTestUser
                  }
                }
                pageInfo {
                  hasNextPage
                  endCursor
                }
              }
            }
            """)
        variables: dict[str, object] = {
            "criteria": criteria,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="ListUsers", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ListUsers.model_validate(data)

    async def create_external_user(
        self,
        name: str,
        external_user_id: str,
        is_test_user: Union[Optional[bool], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "CreateExternalUser":
        from .create_external_user import CreateExternalUser

        query = gql("""
            mutation CreateExternalUser($name: String!, $externalUserId: String!, $isTestUser: Boolean) {
              createExternalUser(
                input: {name: $name, externalUserId: $externalUserId, isTestUser: $isTestUser}
              ) {
                userId
              }
            }
            """)
        variables: dict[str, object] = {
            "name": name,
            "externalUserId": external_user_id,
            "isTestUser": is_test_user,
        }
        response = await self.execute(
            query=query,
            operation_name="CreateExternalUser",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateExternalUser.model_validate(data)

    async def update_external_user(
        self,
        user_id: str,
        is_test_user: Union[Optional[bool], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "UpdateExternalUser":
        from .update_external_user import UpdateExternalUser

        query = gql("""
            mutation UpdateExternalUser($userId: ID!, $isTestUser: Boolean) {
              updateExternalUser(input: {userId: $userId, isTestUser: $isTestUser}) {
                user {
                  id
                  name
                  externalUserId
                  isTestUser
                }
              }
            }
            """)
        variables: dict[str, object] = {"userId": user_id, "isTestUser": is_test_user}
        response = await self.execute(
            query=query,
            operation_name="UpdateExternalUser",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UpdateExternalUser.model_validate(data)

    async def remove_external_user(self, user_id: str, **kwargs: Any) -> "RemoveExternalUser":
        from .remove_external_user import RemoveExternalUser

        query = gql("""
            mutation RemoveExternalUser($userId: ID!) {
              removeExternalUser(input: {userId: $userId}) {
                clientMutationId
              }
            }
            """)
        variables: dict[str, object] = {"userId": user_id}
        response = await self.execute(
            query=query,
            operation_name="RemoveExternalUser",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RemoveExternalUser.model_validate(data)

    async def authorize(self, user_id: str, **kwargs: Any) -> "Authorize":
        from .authorize import Authorize

        query = gql("""
            mutation Authorize($userId: ID!) {
              authorize(input: {userId: $userId}) {
                accessToken
              }
            }
            """)
        variables: dict[str, object] = {"userId": user_id}
        response = await self.execute(
            query=query, operation_name="Authorize", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Authorize.model_validate(data)

    async def generate_authorization_code(
        self, user_id: str, **kwargs: Any
    ) -> "GenerateAuthorizationCode":
        from .generate_authorization_code import GenerateAuthorizationCode

        query = gql("""
            mutation GenerateAuthorizationCode($userId: ID!) {
              generateAuthorizationCode(input: {userId: $userId}) {
                authorizationCode
                clientMutationId
              }
            }
            """)
        variables: dict[str, object] = {"userId": user_id}
        response = await self.execute(
            query=query,
            operation_name="GenerateAuthorizationCode",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return GenerateAuthorizationCode.model_validate(data)
