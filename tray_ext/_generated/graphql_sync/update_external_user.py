from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class UpdateExternalUser(BaseModel):
    update_external_user: "UpdateExternalUserUpdateExternalUser" = Field(alias="updateExternalUser")


class UpdateExternalUserUpdateExternalUser(BaseModel):
    user: "UpdateExternalUserUpdateExternalUserUser"


class UpdateExternalUserUpdateExternalUserUser(BaseModel):
    id: str
    name: str
    external_user_id: Optional[str] = Field(alias="externalUserId")
    is_test_user: Optional[bool] = Field(alias="isTestUser")


UpdateExternalUser.model_rebuild()
UpdateExternalUserUpdateExternalUser.model_rebuild()
