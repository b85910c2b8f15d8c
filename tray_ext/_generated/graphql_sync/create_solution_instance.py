from pydantic import Field

from .base_model import BaseModel
from .fragments import SolutionInstanceFields


class CreateSolutionInstance(BaseModel):
    create_solution_instance: "CreateSolutionInstanceCreateSolutionInstance" = Field(
        alias="createSolutionInstance"
    )


class CreateSolutionInstanceCreateSolutionInstance(BaseModel):
    solution_instance: "CreateSolutionInstanceCreateSolutionInstanceSolutionInstance" = Field(
        alias="solutionInstance"
    )


CreateSolutionInstanceCreateSolutionInstanceSolutionInstance = SolutionInstanceFields
CreateSolutionInstance.model_rebuild()
CreateSolutionInstanceCreateSolutionInstance.model_rebuild()
