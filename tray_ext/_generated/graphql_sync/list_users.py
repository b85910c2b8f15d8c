from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class ListUsers(BaseModel):
    users: "ListUsersUsers"


class ListUsersUsers(BaseModel):
    edges: list["ListUsersUsersEdges"]
    page_info: "ListUsersUsersPageInfo" = Field(alias="pageInfo")


class ListUsersUsersEdges(BaseModel):
    cursor: str
    node: "ListUsersUsersEdgesNode"


class ListUsersUsersEdgesNode(BaseModel):
    id: str
    name: str
    external_user_id: Optional[str] = Field(alias="externalUserId")
    is_test_user: Optional[bool] = Field(alias="isTestUser")


class ListUsersUsersPageInfo(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


ListUsers.model_rebuild()
ListUsersUsers.model_rebuild()
ListUsersUsersEdges.model_rebuild()
