from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class GenerateAuthorizationCode(BaseModel):
    generate_authorization_code: "GenerateAuthorizationCodeGenerateAuthorizationCode" = Field(
        alias="generateAuthorizationCode"
    )


class GenerateAuthorizationCodeGenerateAuthorizationCode(BaseModel):
    authorization_code: str = Field(alias="authorizationCode", repr=False)
    client_mutation_id: Optional[str] = Field(alias="clientMutationId")


GenerateAuthorizationCode.model_rebuild()
