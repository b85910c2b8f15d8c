from pydantic import Field

from .base_model import BaseModel


class CreateUserAuthentication(BaseModel):
    create_user_authentication: "CreateUserAuthenticationCreateUserAuthentication" = Field(
        alias="createUserAuthentication"
    )


class CreateUserAuthenticationCreateUserAuthentication(BaseModel):
    authentication_id: str = Field(alias="authenticationId")


CreateUserAuthentication.model_rebuild()
