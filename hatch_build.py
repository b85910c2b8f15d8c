"""Build hook: the sync half of the runtime is generated from its async half when the package is
built or installed (editable installs too), never kept in git.

Why: the sync modules (`tray_ext/client.py`, `namespaces.py`, `_sync_tokens.py`,
`_sync_transport.py`) are unasync's rewrite of their hand-written async sources
(scripts/codegen/sync_twins.py). Kept in git, they are a second copy of every line a reviewer
reads and a tool such as `duplicates` reports; built, they are an artifact like a compiled file.
The output is the same bytes `scripts/generate` writes (same pinned unasync and ruff), and
`scripts/generate --check` still fails when an in-tree copy is stale.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class SyncTwinsBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        path = Path(self.root) / "scripts" / "codegen" / "sync_twins.py"
        spec = importlib.util.spec_from_file_location("tray_ext_sync_twins", path)
        if spec is None or spec.loader is None:
            raise RuntimeError(f"cannot load {path}")
        sync_twins = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = sync_twins  # dataclasses look their module up while defining
        spec.loader.exec_module(sync_twins)
        sync_twins.write()
        # Ignored by git, so hatchling would leave them out of the wheel without this.
        build_data["artifacts"].extend(f"/{twin.target}" for twin in sync_twins.TWINS)
