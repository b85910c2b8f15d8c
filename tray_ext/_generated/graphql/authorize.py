from pydantic import Field

from .base_model import BaseModel


class Authorize(BaseModel):
    authorize: "AuthorizeAuthorize"


class AuthorizeAuthorize(BaseModel):
    access_token: str = Field(alias="accessToken", repr=False)


Authorize.model_rebuild()
