from datetime import datetime
from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field

from .base_model import BaseModel
from .json_scalar import parse_json


class SolutionInstanceFields(BaseModel):
    id: str
    name: str
    enabled: bool
    owner: str
    created: datetime
    solution: "SolutionInstanceFieldsSolution"
    auth_values: list["SolutionInstanceFieldsAuthValues"] = Field(alias="authValues")
    config_values: list["SolutionInstanceFieldsConfigValues"] = Field(alias="configValues")


class SolutionInstanceFieldsSolution(BaseModel):
    id: str
    title: str


class SolutionInstanceFieldsAuthValues(BaseModel):
    external_id: str = Field(alias="externalId")
    auth_id: str = Field(alias="authId")


class SolutionInstanceFieldsConfigValues(BaseModel):
    external_id: str = Field(alias="externalId")
    value: Optional[Annotated[Any, BeforeValidator(parse_json)]]


SolutionInstanceFields.model_rebuild()
