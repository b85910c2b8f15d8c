"""scripts/generate is deterministic and --check catches a spec edit until generate is run.

Runs the real script on a copy of the repository's spec/, scripts/ and tray_ext/ (about 5 s)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .seeds import REPO

MODEL = Path("tray_ext/_generated/rest/models/connector_service_reference.py")


def _copy_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root)
    shutil.copy(REPO / "CHANGELOG.md", root)  # scripts/generate --check also runs the API gate
    for folder in ("spec", "scripts", "api", "tray_ext"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _generate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHON": sys.executable}
    return subprocess.run(
        [str(root / "scripts" / "generate"), *args],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip


def test_committed_generated_code_matches_spec_and_a_spec_edit_is_caught(tmp_path: Path) -> None:
    root = _copy_repo(tmp_path)
    assert _generate(root, "--check").returncode == 0

    spec = root / "spec" / "openapi.yaml"
    before = (root / MODEL).read_text()
    edited = spec.read_text().replace(
        "version: {type: integer, format: int32, description: Integer service version",
        "version: {type: string, description: Integer service version",
    )
    assert edited != spec.read_text()
    spec.write_text(edited)

    check = _generate(root, "--check")
    assert check.returncode == 1
    assert f"changed: {MODEL.relative_to('tray_ext/_generated')}" in check.stdout

    # The edit is a breaking change, so the API gate (also run by --check) wants a major bump.
    init = root / "tray_ext" / "__init__.py"
    init.write_text(_next_major(init.read_text()))
    assert _generate(root).returncode == 0
    after = (root / MODEL).read_text()
    assert "version: int" in before
    assert "version: str" in after
    assert _generate(root, "--check").returncode == 0


def test_two_runs_give_identical_bytes(tmp_path: Path) -> None:
    root = _copy_repo(tmp_path)
    assert _generate(root).returncode == 0
    first = {
        p: p.read_bytes() for p in (root / "tray_ext" / "_generated").rglob("*") if p.is_file()
    }
    assert _generate(root).returncode == 0
    second = {
        p: p.read_bytes() for p in (root / "tray_ext" / "_generated").rglob("*") if p.is_file()
    }
    assert first == second


def _next_major(source: str) -> str:
    """`__version__` bumped to the next major version, whatever it is now."""
    found = re.search(r'__version__ = "(\d+)\.\d+\.\d+"', source)
    assert found is not None
    return source.replace(found.group(0), f'__version__ = "{int(found.group(1)) + 1}.0.0"')


def test_the_sync_namespaces_are_generated_from_the_async_ones(tmp_path: Path) -> None:
    """namespaces.py is unasync's output of async_namespaces.py: an edit to the async source is
    caught by --check until scripts/generate carries it over, `await` removed."""
    root = _copy_repo(tmp_path)
    source = root / "tray_ext" / "async_namespaces.py"
    docstring = (
        '''"""Every connector, with the service it uses (no paging: Tray returns them all)."""'''
    )
    added = "        await self._run(operations.list_connectors(self._scope, self._state))"
    edited = source.read_text().replace(docstring, f"{docstring}\n{added}")
    assert edited != source.read_text()
    source.write_text(edited)

    check = _generate(root, "--check")
    assert check.returncode == 1
    assert "changed: tray_ext/namespaces.py" in check.stdout

    assert _generate(root).returncode == 0
    generated = (root / "tray_ext" / "namespaces.py").read_text()
    assert generated.startswith("# GENERATED from tray_ext/async_namespaces.py by unasync")
    assert "        self._run(operations.list_connectors(self._scope, self._state))\n" in generated
    assert "await" not in generated
    assert _generate(root, "--check").returncode == 0
