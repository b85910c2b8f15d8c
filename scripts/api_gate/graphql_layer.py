"""GraphQL schema changes, classified by graphql-core's own rules (the reference implementation
of what breaks a GraphQL client)."""

from __future__ import annotations

from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from .model import Change


def _names(sdl: str) -> set[tuple[str, str]]:
    """Every type and field, to report additions (graphql-core lists only risky changes)."""
    schema = build_schema(sdl)
    out: set[tuple[str, str]] = set()
    for name, gtype in schema.type_map.items():
        if name.startswith("__"):
            continue
        out.add((name, ""))
        for field in getattr(gtype, "fields", {}) or {}:
            out.add((name, field))
    return out


def compare(old_sdl: str, new_sdl: str) -> list[Change]:
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    changes = [
        Change("GraphQL", "breaking", c.description) for c in find_breaking_changes(old, new)
    ]
    changes += [
        Change("GraphQL", "dangerous", c.description) for c in find_dangerous_changes(old, new)
    ]
    for type_name, field in sorted(_names(new_sdl) - _names(old_sdl)):
        what = f"{type_name}.{field}" if field else type_name
        changes.append(Change("GraphQL", "safe", f"{what} was added."))
    return changes
