from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import SolutionInstanceFields


class ListSolutionInstances(BaseModel):
    viewer: "ListSolutionInstancesViewer"


class ListSolutionInstancesViewer(BaseModel):
    solution_instances: "ListSolutionInstancesViewerSolutionInstances" = Field(
        alias="solutionInstances"
    )


class ListSolutionInstancesViewerSolutionInstances(BaseModel):
    edges: list["ListSolutionInstancesViewerSolutionInstancesEdges"]
    page_info: "ListSolutionInstancesViewerSolutionInstancesPageInfo" = Field(alias="pageInfo")
    total_count: int = Field(alias="totalCount")


class ListSolutionInstancesViewerSolutionInstancesEdges(BaseModel):
    cursor: str
    node: "ListSolutionInstancesViewerSolutionInstancesEdgesNode"


ListSolutionInstancesViewerSolutionInstancesEdgesNode = SolutionInstanceFields


class ListSolutionInstancesViewerSolutionInstancesPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


ListSolutionInstances.model_rebuild()
ListSolutionInstancesViewer.model_rebuild()
ListSolutionInstancesViewerSolutionInstances.model_rebuild()
ListSolutionInstancesViewerSolutionInstancesEdges.model_rebuild()
