"""One classified change, shared by every layer so the report and changelog read alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["breaking", "dangerous", "safe"]


@dataclass(frozen=True, order=True)
class Change:
    """A change between the baseline and the tree: which layer, how bad, and what, in words."""

    layer: str  # "REST", "GraphQL" or "Python"
    severity: Severity
    description: str

    def line(self) -> str:
        return f"{self.layer}: {self.description}"
