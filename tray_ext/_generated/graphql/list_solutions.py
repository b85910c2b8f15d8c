from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field

from .base_model import BaseModel
from .json_scalar import parse_json


class ListSolutions(BaseModel):
    viewer: "ListSolutionsViewer"


class ListSolutionsViewer(BaseModel):
    solutions: "ListSolutionsViewerSolutions"


class ListSolutionsViewerSolutions(BaseModel):
    edges: list["ListSolutionsViewerSolutionsEdges"]
    page_info: "ListSolutionsViewerSolutionsPageInfo" = Field(alias="pageInfo")


class ListSolutionsViewerSolutionsEdges(BaseModel):
    cursor: str
    node: "ListSolutionsViewerSolutionsEdgesNode"


class ListSolutionsViewerSolutionsEdgesNode(BaseModel):
    id: str
    title: str
    description: Optional[str]
    tags: list[str]
    auth_slots: list["ListSolutionsViewerSolutionsEdgesNodeAuthSlots"] = Field(alias="authSlots")
    config_slots: list["ListSolutionsViewerSolutionsEdgesNodeConfigSlots"] = Field(
        alias="configSlots"
    )


class ListSolutionsViewerSolutionsEdgesNodeAuthSlots(BaseModel):
    external_id: str = Field(alias="externalId")
    title: str


class ListSolutionsViewerSolutionsEdgesNodeConfigSlots(BaseModel):
    external_id: str = Field(alias="externalId")
    title: str
    default_value: Annotated[Any, BeforeValidator(parse_json)] = Field(alias="defaultValue")


class ListSolutionsViewerSolutionsPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


ListSolutions.model_rebuild()
ListSolutionsViewer.model_rebuild()
ListSolutionsViewerSolutions.model_rebuild()
ListSolutionsViewerSolutionsEdges.model_rebuild()
ListSolutionsViewerSolutionsEdgesNode.model_rebuild()
