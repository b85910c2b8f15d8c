"""The machine, Python and package versions a run was measured on (the head of RESULTS.md).

Why: ratios travel better than absolute numbers, but neither means much without knowing the CPU,
how many cores the client and the server shared, and which httpx/pluggy/pydantic/attrs were in use.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from dataclasses import dataclass

PACKAGES = (
    "tray-ext",
    "httpx",
    "httpcore",
    "pluggy",
    "pydantic",
    "attrs",
    "jsonschema",
    "uvicorn",
    "starlette",
    "h11",
)


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    memory_gb: float
    kernel: str
    python: str
    load: tuple[float, float, float]
    packages: dict[str, str]

    def lines(self) -> list[str]:
        versions = ", ".join(f"{name} {version}" for name, version in self.packages.items())
        return [
            f"CPU: {self.cpu}, {self.cores} cores; memory {self.memory_gb:.1f} GB; "
            f"Linux {self.kernel}",
            f"Python {self.python}",
            f"Packages: {versions}",
            "Load average at start: " + " ".join(f"{v:.2f}" for v in self.load),
        ]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def describe() -> Machine:
    return Machine(
        cpu=_cpu_model(),
        cores=os.cpu_count() or 1,
        memory_gb=_memory_gb(),
        kernel=platform.release(),
        python=sys.version.split()[0],
        load=os.getloadavg(),
        packages={name: _version(name) for name in PACKAGES},
    )
