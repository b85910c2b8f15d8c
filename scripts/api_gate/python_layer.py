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
async-first runtime (issue 15) may move them into the modules its sync half is generated from."""

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
    found = [
        Change("Python", "breaking", _explain(breakage))
        for breakage in griffe.find_breaking_changes(old, new)
        if not _internal(breakage.obj.path)
    ]
    # Belt and braces over griffe's rules: every public name of the baseline the tree lacks.
    old_names, new_names = _public_paths(old), _public_paths(new)
    found += [
        Change("Python", "breaking", f"{path}: public object removed")
        for path in sorted(old_names - new_names)
    ]
    found += _annotation_changes(old, new, sorted(old_names & new_names))
    return found


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
            if was and was != now:
                found.append(Change("Python", "breaking", f"{path}: type changed: {was} -> {now}"))
        elif before.is_function:
            was, now = _text(before.returns), _text(after.returns)  # type: ignore[union-attr]
            if was and was != now:
                found.append(
                    Change("Python", "breaking", f"{path}: return type changed: {was} -> {now}")
                )
            new_params = {p.name: p for p in after.parameters}  # type: ignore[union-attr]
            for param in before.parameters:  # type: ignore[union-attr]
                kept = new_params.get(param.name)
                was = _text(param.annotation)
                now = _text(kept.annotation) if kept is not None else ""
                if kept is not None and was and was != now:
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
        node = member  # type: ignore[assignment]
    return node


def _text(annotation: object) -> str:
    return "" if annotation is None else str(annotation)


def _public_paths(obj: griffe.Object, depth: int = 0) -> set[str]:
    out: set[str] = set()
    for name, member in obj.members.items():
        if name.startswith("_") or member.is_alias or not member.is_public:
            continue
        if _internal(member.path):
            continue
        out.add(member.path)
        if depth < 3 and (member.is_module or member.is_class):
            out |= _public_paths(member, depth + 1)  # type: ignore[arg-type]
    return out
