"""The Python public API of tray_ext, compared by griffe (`griffe check`'s engine).

The baseline is griffe's JSON dump of the package, so CI needs no git tag to compare with."""

from __future__ import annotations

import json
from pathlib import Path

import griffe

from .model import Change


def load(root: Path) -> griffe.Object:
    """The tray_ext package found under root (and the generated clients it re-exports)."""
    # Loaded by path: by name, griffe would read submodules from the editable install instead.
    return griffe.load(
        root / "tray_ext",
        search_paths=[str(root), str(root / "generated")],
        resolve_aliases=False,
        allow_inspection=False,
    )


def dump(root: Path) -> str:
    """The baseline text; file paths are made relative, so any checkout records the same bytes."""
    text = load(root).as_json(full=False, indent=1, sort_keys=True) + "\n"
    return text.replace(json.dumps(str(root.resolve()) + "/")[1:-1], "")


def compare(baseline_json: str, root: Path) -> list[Change]:
    old = json.loads(baseline_json, object_hook=griffe.json_decoder)
    # A decoded dump has no collection to resolve its aliases (re-exports) in: give it one.
    collection = griffe.ModulesCollection()
    collection.set_member(old.path, old)
    old._modules_collection = collection
    new = load(root)
    found = [
        Change("Python", "breaking", breakage.explain(style=griffe.ExplanationStyle.ONE_LINE))
        for breakage in griffe.find_breaking_changes(old, new)
    ]
    # Belt and braces over griffe's rules: every public name of the baseline the tree lacks.
    old_names, new_names = _public_paths(old), _public_paths(new)
    found += [
        Change("Python", "breaking", f"{path}: public object removed")
        for path in sorted(old_names - new_names)
    ]
    return found


def _public_paths(obj: griffe.Object, depth: int = 0) -> set[str]:
    out: set[str] = set()
    for name, member in obj.members.items():
        if name.startswith("_") or member.is_alias or not member.is_public:
            continue
        out.add(member.path)
        if depth < 3 and (member.is_module or member.is_class):
            out |= _public_paths(member, depth + 1)  # type: ignore[arg-type]
    return out
