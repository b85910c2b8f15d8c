"""The command line is a client of the public API: it imports `tray_ext.importer` (not its
modules), no private module of tray_ext or typer, and its own modules import each other in one
direction (no circle, so any command module can be imported first)."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "tray_ext" / "cli"


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(CLI.glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                if node.module == "tray_ext.cli":
                    names |= {f"tray_ext.cli.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
        found[path.stem] = names
    return found


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def test_the_cli_imports_only_public_modules() -> None:
    offenders = {
        f"{module}: {name}"
        for module, names in _imports().items()
        for name in names
        if name.startswith("tray_ext.importer.") or any(_private(part) for part in name.split("."))
    }
    assert not offenders


def test_the_cli_modules_import_each_other_without_a_circle() -> None:
    graph = {
        module: {n.removeprefix("tray_ext.cli.") for n in names if n.startswith("tray_ext.cli.")}
        for module, names in _imports().items()
    }
    seen: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in seen:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*path, module))
        seen.add(module)

    for module in graph:
        visit(module, ())
