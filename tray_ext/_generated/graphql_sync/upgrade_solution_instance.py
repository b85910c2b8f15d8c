from pydantic import Field

from .base_model import BaseModel
from .fragments import SolutionInstanceFields


class UpgradeSolutionInstance(BaseModel):
    upgrade_solution_instance: "UpgradeSolutionInstanceUpgradeSolutionInstance" = Field(
        alias="upgradeSolutionInstance"
    )


class UpgradeSolutionInstanceUpgradeSolutionInstance(BaseModel):
    solution_instance: "UpgradeSolutionInstanceUpgradeSolutionInstanceSolutionInstance" = Field(
        alias="solutionInstance"
    )


UpgradeSolutionInstanceUpgradeSolutionInstanceSolutionInstance = SolutionInstanceFields
UpgradeSolutionInstance.model_rebuild()
UpgradeSolutionInstanceUpgradeSolutionInstance.model_rebuild()
