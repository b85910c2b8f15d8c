from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .base_model import BaseModel
from .json_scalar import parse_json


class CallConnector(BaseModel):
    call_connector: "CallConnectorCallConnector" = Field(alias="callConnector")


class CallConnectorCallConnector(BaseModel):
    output: Annotated[Any, BeforeValidator(parse_json)] = Field(repr=False)


CallConnector.model_rebuild()
