from pydantic import Field

from .base_model import BaseModel
from .fragments import SolutionInstanceFields


class UpdateSolutionInstance(BaseModel):
    update_solution_instance: "UpdateSolutionInstanceUpdateSolutionInstance" = Field(
        alias="updateSolutionInstance"
    )


class UpdateSolutionInstanceUpdateSolutionInstance(BaseModel):
    solution_instance: "UpdateSolutionInstanceUpdateSolutionInstanceSolutionInstance" = Field(
        alias="solutionInstance"
    )


UpdateSolutionInstanceUpdateSolutionInstanceSolutionInstance = SolutionInstanceFields
UpdateSolutionInstance.model_rebuild()
UpdateSolutionInstanceUpdateSolutionInstance.model_rebuild()
