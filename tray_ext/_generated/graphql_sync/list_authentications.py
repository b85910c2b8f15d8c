from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field

from .base_model import BaseModel
from .json_scalar import parse_json


class ListAuthentications(BaseModel):
    viewer: "ListAuthenticationsViewer"


class ListAuthenticationsViewer(BaseModel):
    authentications: "ListAuthenticationsViewerAuthentications"


class ListAuthenticationsViewerAuthentications(BaseModel):
    edges: list["ListAuthenticationsViewerAuthenticationsEdges"]
    page_info: "ListAuthenticationsViewerAuthenticationsPageInfo" = Field(alias="pageInfo")


class ListAuthenticationsViewerAuthenticationsEdges(BaseModel):
    node: "ListAuthenticationsViewerAuthenticationsEdgesNode"


class ListAuthenticationsViewerAuthenticationsEdgesNode(BaseModel):
    id: str
    name: str
    custom_fields: Optional[Annotated[Any, BeforeValidator(parse_json)]] = Field(
        alias="customFields"
    )
    service: "ListAuthenticationsViewerAuthenticationsEdgesNodeService"
    service_environment: "ListAuthenticationsViewerAuthenticationsEdgesNodeServiceEnvironment" = (
        Field(alias="serviceEnvironment")
    )


class ListAuthenticationsViewerAuthenticationsEdgesNodeService(BaseModel):
    id: str
    name: str
    icon: str
    title: str
    version: str


class ListAuthenticationsViewerAuthenticationsEdgesNodeServiceEnvironment(BaseModel):
    id: str
    title: str


class ListAuthenticationsViewerAuthenticationsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    has_previous_page: bool = Field(alias="hasPreviousPage")


ListAuthentications.model_rebuild()
ListAuthenticationsViewer.model_rebuild()
ListAuthenticationsViewerAuthentications.model_rebuild()
ListAuthenticationsViewerAuthenticationsEdges.model_rebuild()
ListAuthenticationsViewerAuthenticationsEdgesNode.model_rebuild()
