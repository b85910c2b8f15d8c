from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class RemoveExternalUser(BaseModel):
    remove_external_user: "RemoveExternalUserRemoveExternalUser" = Field(alias="removeExternalUser")


class RemoveExternalUserRemoveExternalUser(BaseModel):
    client_mutation_id: Optional[str] = Field(alias="clientMutationId")


RemoveExternalUser.model_rebuild()
