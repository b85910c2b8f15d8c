"""The Python public API of tray_ext, compared by griffe (`griffe check`'s engine).

The baseline is griffe's JSON dump of the package, so CI needs no git tag to compare with.

Two rules are added to griffe's (2.x does not check annotations yet: its
`_attribute_incompatibilities` and `_returns_are_compatible` are TODOs): a public attribute whose
annotation changed (`ServiceSummary.version: str` -> `int`) and a public function whose return
annotation changed are breaking, as a reader of the value meets another type; a changed
parameter annotation is listed as dangerous (it may be a widening, which breaks nobody).

`tray_ext.cli`'s submodules are the command line's implementation: its contract is the command
line (options, output, exit statuses), not these functions, so they are not compared; the console
script's entry point `tray_ext.cli.main` is.

The runtime's own machinery is implementation too, listed by name in `IMPLEMENTATION`: the token
providers (`tray_ext.tokens.TokenProvider`, `AsyncTokenProvider`), the pipeline transports
(`tray_ext.pipeline.PipelineTransport`, `AsyncPipelineTransport`), the modules
`tray_ext.driver` (the loop that ran an operation against the generated clients),
`tray_ext.operations` (the operations it ran) and `tray_ext.responses` (their answers into errors),
folded by issue 15 into the namespaces and the pipeline, and `tray_ext.calls.CURRENT_FACTS` (the
contextvar that carried a call's facts to the pipeline, which now ride on the request). A client
builds them for itself from its own arguments; no README example, docs/hooks.md recipe or test
of public behaviour constructs or imports them (docs/hooks.md draws the pipeline transport as a
box in the call's path, it does not use it). What a team uses of those modules stays compared:
`TokenCache`, `CachedToken`, `UserToken`, `MemoryTokenCache`, `USER_TOKEN_LIFETIME` in
tray_ext.tokens, and `GRAPHQL_QUERIES` in tray_ext.pipeline. They are declared here so that the
async-first runtime (issue 15) may move them into the modules its sync half is generated from.

A renamed class that keeps its old name as an alias beside it (`Clock = EmulatorClock`, with
`Clock`'s baseline members all on `EmulatorClock`) is the same object under both names: code that
imports or annotates with the old name still works. griffe sees a class become an attribute, and
a member path or annotation spelled with the new name; the gate follows the alias instead
(`_renamed_class`), and compares the old class with the new one member by member."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import griffe

from .model import Change


def load(root: Path) -> griffe.Object:
    """The tray_ext package found under root (and the generated clients it re-exports)."""
    # Loaded by path: by name, griffe would read submodules from the editable install instead.
    return griffe.load(
        root / "tray_ext",
        search_paths=[str(root)],
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
    found: list[Change] = []
    for breakage in griffe.find_breaking_changes(old, new):
        if _internal(breakage.obj.path):
            continue
        renamed = _renamed_at(new, breakage.obj.path)
        if breakage.kind is griffe.BreakageKind.OBJECT_CHANGED_KIND and renamed is not None:
            # `Old = New`: griffe stops at the kind; compare the class with its new self.
            found += [
                Change("Python", "breaking", _explain(inner))
                for inner in griffe.find_breaking_changes(breakage.obj, renamed)
            ]
            continue
        found.append(Change("Python", "breaking", _explain(breakage)))
    # Belt and braces over griffe's rules: every public name of the baseline the tree lacks.
    old_names, new_names = _public_paths(old), _public_paths(new)
    found += [
        Change("Python", "breaking", f"{path}: public object removed")
        for path in sorted(old_names - new_names)
    ]
    found += _annotation_changes(old, new, sorted(old_names & new_names))
    return found


def _lookup(root: Any, path: str) -> Any:
    """The object at a dotted path under `root` (aliases followed), or None."""
    node = root
    for part in path.split(".")[1:]:
        member = node.members.get(part)
        if member is None:
            return None
        if member.is_alias:
            try:
                member = member.final_target
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                return None
        node = member
    return node


def _renamed_class(obj: Any) -> Any:
    """The class an attribute `Old = New` names, when `New` is a class of the same package."""
    if obj.is_alias or not obj.is_attribute or not isinstance(obj.value, griffe.ExprName):
        return None
    path = obj.value.canonical_path
    root = obj.package
    if not path.startswith(f"{root.path}."):
        return None
    target = _lookup(root, path)
    return target if target is not None and target.is_class else None


def _renamed_at(root: Any, path: str) -> Any:
    found = _lookup(root, path)
    return _renamed_class(found) if found is not None else None


def _same_annotation(was: object, now: object) -> bool:
    """Equal text, or the same tokens where each differing name is a class renamed with its old
    name kept as an alias beside it (`list[Problem]` -> `list[RowProblem]`)."""
    if _text(was) == _text(now):
        return True
    if not isinstance(was, griffe.Expr) or not isinstance(now, griffe.Expr):
        return False
    old_tokens, new_tokens = list(was.iterate(flat=True)), list(now.iterate(flat=True))
    if len(old_tokens) != len(new_tokens):
        return False
    for before, after in zip(old_tokens, new_tokens, strict=True):
        if str(before) == str(after):
            continue
        if not (isinstance(before, griffe.ExprName) and isinstance(after, griffe.ExprName)):
            return False
        target = after.canonical_path
        module_path, _, _ = target.rpartition(".")
        root = _package_of(after)
        module = _lookup(root, module_path) if root is not None else None
        alias = module.members.get(before.name) if module is not None else None
        renamed = _renamed_class(alias) if alias is not None else None
        if renamed is None or renamed.path != target:
            return False
    return True


def _package_of(expr: griffe.ExprName) -> Any:
    parent = expr.parent
    while isinstance(parent, griffe.ExprName):
        parent = parent.parent
    return parent.package if isinstance(parent, griffe.Object) else None


IMPLEMENTATION = frozenset(
    {
        "tray_ext.tokens.TokenProvider",
        "tray_ext.tokens.AsyncTokenProvider",
        "tray_ext.pipeline.PipelineTransport",
        "tray_ext.pipeline.AsyncPipelineTransport",
        "tray_ext.driver",
        "tray_ext.operations",
        "tray_ext.responses",
        "tray_ext.calls.CURRENT_FACTS",
    }
)
"""The runtime's machinery that is not public API (see the module docstring), with its members."""


def _internal(path: str) -> bool:
    """Inside a submodule of tray_ext.cli, or runtime machinery (see the module docstring)."""
    parts = path.split(".")
    if parts[:2] == ["tray_ext", "cli"] and len(parts) > 3:
        return True
    return any(path == name or path.startswith(f"{name}.") for name in IMPLEMENTATION)


def _explain(breakage: griffe.Breakage) -> str:
    """griffe's one-line explanation without its terminal colours (it goes into CHANGELOG.md)."""
    text = breakage.explain(style=griffe.ExplanationStyle.MARKDOWN)
    return text.removeprefix("- ").replace("*", "")


def _annotation_changes(old: griffe.Object, new: griffe.Object, paths: list[str]) -> list[Change]:
    found: list[Change] = []
    for path in paths:
        before, after = _get(old, path), _get(new, path)
        if before is None or after is None or before.kind != after.kind:
            continue
        if before.is_attribute:
            was, now = _text(before.annotation), _text(after.annotation)  # type: ignore[union-attr]
            if was and not _same_annotation(before.annotation, after.annotation):  # type: ignore[union-attr]
                found.append(Change("Python", "breaking", f"{path}: type changed: {was} -> {now}"))
        elif before.is_function:
            was, now = _text(before.returns), _text(after.returns)  # type: ignore[union-attr]
            if was and not _same_annotation(before.returns, after.returns):  # type: ignore[union-attr]
                found.append(
                    Change("Python", "breaking", f"{path}: return type changed: {was} -> {now}")
                )
            new_params = {p.name: p for p in after.parameters}  # type: ignore[union-attr]
            for param in before.parameters:  # type: ignore[union-attr]
                kept = new_params.get(param.name)
                was = _text(param.annotation)
                now = _text(kept.annotation) if kept is not None else ""
                if (
                    kept is not None
                    and was
                    and not _same_annotation(param.annotation, kept.annotation)
                ):
                    found.append(
                        Change(
                            "Python",
                            "dangerous",
                            f"{path}({param.name}): parameter type changed: {was} -> {now}",
                        )
                    )
    return found


def _get(root: griffe.Object, path: str) -> griffe.Object | None:
    node: griffe.Object = root
    for part in path.split(".")[1:]:
        member = node.members.get(part)
        if member is None or member.is_alias:
            return None
        node = _renamed_class(member) or member  # type: ignore[assignment]
    return node


def _text(annotation: object) -> str:
    return "" if annotation is None else str(annotation)


def _public_paths(obj: griffe.Object, depth: int = 0, prefix: str | None = None) -> set[str]:
    """Public paths under obj (`prefix` in place of obj's path: a class reached by its old name)."""
    out: set[str] = set()
    where = prefix or obj.path
    for name, member in obj.members.items():
        if name.startswith("_") or member.is_alias or not member.is_public:
            continue
        path = f"{where}.{name}"
        if _internal(path):
            continue
        out.add(path)
        renamed = _renamed_class(member)
        if depth < 3 and renamed is not None:
            out |= _public_paths(renamed, depth + 1, prefix=path)
        elif depth < 3 and (member.is_module or member.is_class):
            out |= _public_paths(member, depth + 1, prefix=path)  # type: ignore[arg-type]
    return out
