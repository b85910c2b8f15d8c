"""REST changes in spec/openapi.yaml, classified rule by rule (each rule has a test).

No maintained Python OpenAPI diff library fits (oasdiff is Go; the PyPI candidates are
unmaintained), so this is a small classifier over the dereferenced documents. Operations are
keyed by method + path and named by operationId, which becomes the Python function name: a
renamed operationId breaks every caller. Rules:

- operation removed, operationId renamed                                   breaking
- parameter removed, made required, or a new required parameter            breaking
- request field removed, or made required (or added as required)           breaking
- response field removed, or made optional (readers lose a guarantee)      breaking
- response field made required (the generated model's constructor gains
  a required argument)                                                     breaking
- a type changed, an enum narrowed                                         breaking
- an enum widened in a response (an unknown value may reach old code)      dangerous
- anything added that is optional                                          safe
"""

from __future__ import annotations

from typing import Any

from .model import Change

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
MAX_DEPTH = 12  # recursive schemas are compared this deep


def _deref(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    if isinstance(node, dict) and "$ref" in node and depth < MAX_DEPTH:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _deref(doc, target, depth + 1)
    return node


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    ops: dict[tuple[str, str], dict[str, Any]] = {}
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            if method in item:
                op = dict(item[method])
                op["parameters"] = list(item.get("parameters", [])) + list(op.get("parameters", []))
                ops[(method.upper(), path)] = op
    return ops


def _type(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    return tuple(sorted(kind)) if isinstance(kind, list) else kind


class _Differ:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, severity: str, text: str) -> None:
        self.changes.append(Change("REST", severity, text))  # type: ignore[arg-type]

    def schema(self, where: str, old: Any, new: Any, *, request: bool, depth: int = 0) -> None:
        old, new = _deref(self.old, old), _deref(self.new, new)
        if not isinstance(old, dict) or not isinstance(new, dict) or depth > MAX_DEPTH:
            return
        if _type(old) != _type(new) and _type(old) is not None:
            self.add("breaking", f"{where}: type changed from {_type(old)} to {_type(new)}")
        old_enum, new_enum = set(map(str, old.get("enum", []))), set(map(str, new.get("enum", [])))
        if old_enum and new_enum:
            if old_enum - new_enum:
                lost = ", ".join(sorted(old_enum - new_enum))
                self.add("breaking", f"{where}: enum narrowed (removed {lost})")
            if new_enum - old_enum:
                gained = ", ".join(sorted(new_enum - old_enum))
                self.add("safe" if request else "dangerous", f"{where}: enum widened ({gained})")
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_req, new_req = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(old_props.keys() - new_props.keys()):
            side = "request" if request else "response"
            self.add("breaking", f"{where}: {side} field `{name}` removed")
        for name in sorted(new_props.keys() - old_props.keys()):
            if request and name in new_req:
                self.add("breaking", f"{where}: required request field `{name}` added")
            else:
                self.add("safe", f"{where}: optional field `{name}` added")
        for name in sorted(old_props.keys() & new_props.keys()):
            if request and name in new_req and name not in old_req:
                self.add("breaking", f"{where}: request field `{name}` made required")
            if not request and name in old_req and name not in new_req:
                self.add("breaking", f"{where}: response field `{name}` made optional")
            if not request and name in new_req and name not in old_req:
                self.add("breaking", f"{where}: response field `{name}` made required")
            self.schema(
                f"{where}.{name}", old_props[name], new_props[name], request=request,
                depth=depth + 1,
            )  # fmt: skip
        if "items" in old and "items" in new:
            self.schema(f"{where}[]", old["items"], new["items"], request=request, depth=depth + 1)

    def operation(self, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        def params(op: dict[str, Any], doc: dict[str, Any]) -> dict[tuple[str, str], Any]:
            out = {}
            for p in op.get("parameters", []):
                p = _deref(doc, p)
                out[(p["in"], p["name"])] = p
            return out

        old_p, new_p = params(old, self.old), params(new, self.new)
        for key in sorted(old_p.keys() - new_p.keys()):
            self.add("breaking", f"{name}: {key[0]} parameter `{key[1]}` removed")
        for key in sorted(new_p.keys() - old_p.keys()):
            required = new_p[key].get("required", False)
            self.add(
                "breaking" if required else "safe",
                f"{name}: {'required' if required else 'optional'} {key[0]} parameter "
                f"`{key[1]}` added",
            )
        for key in sorted(old_p.keys() & new_p.keys()):
            if new_p[key].get("required") and not old_p[key].get("required"):
                self.add("breaking", f"{name}: {key[0]} parameter `{key[1]}` made required")
            self.schema(
                f"{name} {key[0]} parameter `{key[1]}`",
                old_p[key].get("schema"), new_p[key].get("schema"), request=True,
            )  # fmt: skip
        old_body = _deref(self.old, old.get("requestBody") or {}).get("content", {})
        new_body = _deref(self.new, new.get("requestBody") or {}).get("content", {})
        for media in sorted(old_body.keys() & new_body.keys()):
            self.schema(
                f"{name} request", old_body[media].get("schema"), new_body[media].get("schema"),
                request=True,
            )  # fmt: skip
        old_resp, new_resp = old.get("responses") or {}, new.get("responses") or {}
        for status in sorted(old_resp.keys() & new_resp.keys()):
            old_c = _deref(self.old, old_resp[status]).get("content", {})
            new_c = _deref(self.new, new_resp[status]).get("content", {})
            for media in sorted(old_c.keys() & new_c.keys()):
                self.schema(
                    f"{name} response {status}", old_c[media].get("schema"),
                    new_c[media].get("schema"), request=False,
                )  # fmt: skip


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    differ = _Differ(old, new)
    old_ops, new_ops = _operations(old), _operations(new)
    for key in sorted(old_ops.keys() - new_ops.keys()):
        op_id = old_ops[key].get("operationId", "?")
        differ.add("breaking", f"operation `{op_id}` ({key[0]} {key[1]}) removed")
    for key in sorted(new_ops.keys() - old_ops.keys()):
        op_id = new_ops[key].get("operationId", "?")
        differ.add("safe", f"operation `{op_id}` ({key[0]} {key[1]}) added")
    for key in sorted(old_ops.keys() & new_ops.keys()):
        old_id, new_id = old_ops[key].get("operationId"), new_ops[key].get("operationId")
        if old_id != new_id:
            differ.add(
                "breaking", f"operation `{old_id}` ({key[0]} {key[1]}) renamed to `{new_id}`"
            )
        differ.operation(f"`{new_id}`", old_ops[key], new_ops[key])
    return differ.changes
