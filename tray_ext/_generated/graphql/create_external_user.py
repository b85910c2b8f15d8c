from pydantic import Field

from .base_model import BaseModel


class CreateExternalUser(BaseModel):
    create_external_user: "CreateExternalUserCreateExternalUser" = Field(alias="createExternalUser")


class CreateExternalUserCreateExternalUser(BaseModel):
    user_id: str = Field(alias="userId")


CreateExternalUser.model_rebuild()
