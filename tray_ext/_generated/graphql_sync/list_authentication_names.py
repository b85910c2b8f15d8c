from .base_model import BaseModel


class ListAuthenticationNames(BaseModel):
    viewer: "ListAuthenticationNamesViewer"


class ListAuthenticationNamesViewer(BaseModel):
    authentications: "ListAuthenticationNamesViewerAuthentications"


class ListAuthenticationNamesViewerAuthentications(BaseModel):
    edges: list["ListAuthenticationNamesViewerAuthenticationsEdges"]


class ListAuthenticationNamesViewerAuthenticationsEdges(BaseModel):
    node: "ListAuthenticationNamesViewerAuthenticationsEdgesNode"


class ListAuthenticationNamesViewerAuthenticationsEdgesNode(BaseModel):
    id: str
    name: str
    service: "ListAuthenticationNamesViewerAuthenticationsEdgesNodeService"


class ListAuthenticationNamesViewerAuthenticationsEdgesNodeService(BaseModel):
    id: str
    name: str
    icon: str
    title: str
    version: str


ListAuthenticationNames.model_rebuild()
ListAuthenticationNamesViewer.model_rebuild()
ListAuthenticationNamesViewerAuthentications.model_rebuild()
ListAuthenticationNamesViewerAuthenticationsEdges.model_rebuild()
ListAuthenticationNamesViewerAuthenticationsEdgesNode.model_rebuild()
