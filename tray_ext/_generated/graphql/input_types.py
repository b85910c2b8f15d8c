from typing import Annotated, Any, Optional

from pydantic import Field, PlainSerializer

from .base_model import BaseModel
from .json_scalar import serialize_json


class UserSearchCriteria(BaseModel):
    external_user_id: Optional[str] = Field(alias="externalUserId", default=None)
    name: Optional[str] = None
    user_id: Optional[str] = Field(alias="userId", default=None)
    is_test_user: Optional[bool] = Field(alias="isTestUser", default=None)
    "+docs"


class SolutionSearchCriteria(BaseModel):
    tags: Optional[list[str]] = None


class SolutionInstanceSearchCriteria(BaseModel):
    """owner is the end user's userId; the master token only."""

    id: Optional[str] = None
    name: Optional[str] = None
    owner: Optional[str] = None
    solution_id: Optional[str] = Field(alias="solutionId", default=None)


class CreateExternalUserInput(BaseModel):
    name: str
    external_user_id: str = Field(alias="externalUserId")
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)
    is_test_user: Optional[bool] = Field(alias="isTestUser", default=None)
    "+docs"


class UpdateExternalUserInput(BaseModel):
    """+docs: the docs' table says `id`, their examples `userId`; the examples win."""

    user_id: str = Field(alias="userId")
    is_test_user: Optional[bool] = Field(alias="isTestUser", default=None)
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class RemoveExternalUserInput(BaseModel):
    user_id: str = Field(alias="userId")
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class AuthorizeInput(BaseModel):
    user_id: str = Field(alias="userId")
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class GenerateAuthorizationCodeInput(BaseModel):
    user_id: str = Field(alias="userId")
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class CreateUserAuthenticationInput(BaseModel):
    name: str
    service_id: str = Field(alias="serviceId")
    service_environment_id: str = Field(alias="serviceEnvironmentId")
    data: Annotated[Any, PlainSerializer(serialize_json)] = Field(repr=False)
    "Auth data (tokens, keys): one-line JSON text."
    form_data: Optional[Annotated[Any, PlainSerializer(serialize_json)]] = Field(
        alias="formData", default=None, repr=False
    )
    "Data from the auth form (e.g. subdomain): one-line JSON text."
    scopes: Optional[list[str]] = None
    "The docs' table says required; the schema type is optional. Send [] for token services."
    hidden: Optional[bool] = None
    "Hide the auth in Tray's UI; false by default."
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class RemoveUserAuthenticationInput(BaseModel):
    authentication_id: str = Field(alias="authenticationId")
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class AuthValue(BaseModel):
    """externalId is case sensitive."""

    external_id: str = Field(alias="externalId")
    auth_id: str = Field(alias="authId")


class ConfigValue(BaseModel):
    """value is a JSON value wrapped in a string, e.g. "\\"x\\"", "true", "7", "[1,7,4]" (Tray's schema
    description); Tray's own upgrade example sends the bare string support@example.com and gets it back."""

    external_id: str = Field(alias="externalId")
    value: Optional[Annotated[Any, PlainSerializer(serialize_json)]] = None


class CreateSolutionInstanceInput(BaseModel):
    solution_id: str = Field(alias="solutionId")
    instance_name: str = Field(alias="instanceName")
    auth_values: Optional[list["AuthValue"]] = Field(alias="authValues", default=None)
    config_values: Optional[list["ConfigValue"]] = Field(alias="configValues", default=None)
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class UpdateSolutionInstanceInput(BaseModel):
    solution_instance_id: str = Field(alias="solutionInstanceId")
    instance_name: Optional[str] = Field(alias="instanceName", default=None)
    enabled: Optional[bool] = None
    auth_values: Optional[list["AuthValue"]] = Field(alias="authValues", default=None)
    config_values: Optional[list["ConfigValue"]] = Field(alias="configValues", default=None)
    error_on_enabling_with_missing_values: Optional[bool] = Field(
        alias="errorOnEnablingWithMissingValues", default=None
    )
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class UpgradeSolutionInstanceInput(BaseModel):
    solution_instance_id: str = Field(alias="solutionInstanceId")
    auth_values: Optional[list["AuthValue"]] = Field(alias="authValues", default=None)
    config_values: Optional[list["ConfigValue"]] = Field(alias="configValues", default=None)
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class RemoveSolutionInstanceInput(BaseModel):
    solution_instance_id: str = Field(alias="solutionInstanceId")
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


class ConnectorCallInput(BaseModel):
    connector: str
    version: str
    operation: str
    auth_id: Optional[str] = Field(alias="authId", default=None)
    input: Annotated[Any, PlainSerializer(serialize_json)] = Field(repr=False)
    "The operation's input: one-line JSON text."
    client_mutation_id: Optional[str] = Field(alias="clientMutationId", default=None)


CreateSolutionInstanceInput.model_rebuild()
UpdateSolutionInstanceInput.model_rebuild()
UpgradeSolutionInstanceInput.model_rebuild()
