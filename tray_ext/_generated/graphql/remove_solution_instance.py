from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class RemoveSolutionInstance(BaseModel):
    remove_solution_instance: "RemoveSolutionInstanceRemoveSolutionInstance" = Field(
        alias="removeSolutionInstance"
    )


class RemoveSolutionInstanceRemoveSolutionInstance(BaseModel):
    client_mutation_id: Optional[str] = Field(alias="clientMutationId")


RemoveSolutionInstance.model_rebuild()
