from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class RemoveAuthentication(BaseModel):
    remove_authentication: "RemoveAuthenticationRemoveAuthentication" = Field(
        alias="removeAuthentication"
    )


class RemoveAuthenticationRemoveAuthentication(BaseModel):
    client_mutation_id: Optional[str] = Field(alias="clientMutationId")


RemoveAuthentication.model_rebuild()
