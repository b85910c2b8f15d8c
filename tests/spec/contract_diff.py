"""A machine diff of spec/openapi.yaml against Tray's published OpenAPI (the nine operations).

Why: the spec is hand-maintained from docs pages, and issue #13 found it diverging from Tray's
published contract in dozens of places with no reason written down. This walks both documents
operation by operation (matched by method + path), resolving `$ref`s, and compares what decides
the wire: parameters (name, in, required, schema), request bodies (required, media types,
schema), response codes, media types and schemas (type, format, enum, required, nullable,
properties, items, additionalProperties, oneOf/anyOf, uniqueItems).

Each divergence gets a stable key (`METHOD path|location|keyword`), so a test can list them and a
reviewer can grep for one. A divergence is *explained* when a node on its way through
spec/openapi.yaml (the operation, the parameter, the response, the media type, any schema node
or the component a `$ref` lands on) carries `x-tray-ext-choice: <reason>`, or its operation lists
the location in `x-tray-ext-choices` (for something the project leaves out): the CHOICE
convention the divergence test enforces. The human-readable `# CHOICE:` comments stay beside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PROJECT_SPEC = REPO / "spec" / "openapi.yaml"
PUBLISHED_COPY = HERE / "published" / "trayapi-excerpt.yaml"
SHARED_PUBLISHED = REPO.parent / "shared" / "reference" / "tray-published-openapi.yaml"

CHOICE = "x-tray-ext-choice"
# On an operation: {location: reason} for what the project leaves out (a parameter, a response),
# where there is no node of its own to carry `x-tray-ext-choice`; location is one `|` part of a
# divergence key, e.g. `param.header.Authorization`.
CHOICES = "x-tray-ext-choices"
METHODS = ("get", "put", "post", "delete", "patch")
SCHEMA_SCALARS = ("type", "format", "enum", "uniqueItems", "nullable", "const")


@dataclass(frozen=True)
class Divergence:
    key: str
    published: Any
    project: Any
    choice: str | None

    def __str__(self) -> str:
        return f"{self.key}: published={self.published!r} project={self.project!r}"


_Param = tuple[dict[str, Any], str | None]


class _Doc:
    def __init__(self, path: Path) -> None:
        self.root: dict[str, Any] = yaml.safe_load(path.read_text())

    def resolve(self, node: Any) -> tuple[Any, str | None]:
        """Follow `$ref`s; return the target and the first CHOICE met on the way."""
        choice: str | None = None
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            choice = choice or node.get(CHOICE)
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part]
            node = target
            seen += 1
            assert seen < 50, ref
        if isinstance(node, dict):
            choice = choice or node.get(CHOICE)
        return node, choice


def _types(schema: dict[str, Any]) -> tuple[set[str] | None, bool]:
    """The schema's type set with `null` split off (3.0 `nullable` and 3.1 `[t, "null"]`)."""
    raw = schema.get("type")
    if raw is None:
        return None, bool(schema.get("nullable"))
    types = {raw} if isinstance(raw, str) else set(raw)
    nullable = "null" in types or bool(schema.get("nullable"))
    types.discard("null")
    return types, nullable


class _Differ:
    def __init__(self, published: _Doc, project: _Doc) -> None:
        self.pub = published
        self.prj = project
        self.out: list[Divergence] = []
        self.op_choices: dict[str, str] = {}

    def add(self, key: str, pub: Any, prj: Any, choice: str | None) -> None:
        if choice is None:
            parts = key.split("|")
            choice = next((r for f, r in self.op_choices.items() if f in parts), None)
        self.out.append(Divergence(key, pub, prj, choice))

    def schema(self, key: str, pub: Any, prj: Any, choice: str | None, depth: int = 0) -> None:
        pub, _ = self.pub.resolve(pub)
        prj, c = self.prj.resolve(prj)
        choice = choice or c
        if depth > 12:
            return
        pub = pub if isinstance(pub, dict) else {}
        prj = prj if isinstance(prj, dict) else {}
        pt, pn = _types(pub)
        jt, jn = _types(prj)
        if pt != jt:
            self.add(f"{key}|type", sorted(pt or []), sorted(jt or []), choice)
        if pn != jn:
            self.add(f"{key}|nullable", pn, jn, choice)
        for word in ("format", "enum", "uniqueItems", "const"):
            if pub.get(word) != prj.get(word):
                self.add(f"{key}|{word}", pub.get(word), prj.get(word), choice)
        if sorted(pub.get("required", []) or []) != sorted(prj.get("required", []) or []):
            self.add(
                f"{key}|required",
                sorted(pub.get("required", [])),
                sorted(prj.get("required", [])),
                choice,
            )
        pprops = pub.get("properties", {}) or {}
        jprops = prj.get("properties", {}) or {}
        for name in sorted(set(pprops) | set(jprops)):
            if name not in jprops:
                self.add(f"{key}.{name}|property", "present", "absent", choice)
            elif name not in pprops:
                _, c2 = self.prj.resolve(jprops[name])
                self.add(f"{key}.{name}|property", "absent", "present", choice or c2)
            else:
                self.schema(f"{key}.{name}", pprops[name], jprops[name], choice, depth + 1)
        if "items" in pub or "items" in prj:
            self.schema(f"{key}[]", pub.get("items", {}), prj.get("items", {}), choice, depth + 1)
        pa, ja = pub.get("additionalProperties"), prj.get("additionalProperties")
        if isinstance(pa, dict) or isinstance(ja, dict):
            self.schema(
                f"{key}{{*}}",
                pa if isinstance(pa, dict) else {},
                ja if isinstance(ja, dict) else {},
                choice,
                depth + 1,
            )
        elif (pa is False) != (ja is False):
            self.add(f"{key}|additionalProperties", pa, ja, choice)
        for word in ("oneOf", "anyOf", "allOf"):
            pl, jl = pub.get(word, []) or [], prj.get(word, []) or []
            if len(pl) != len(jl):
                self.add(f"{key}|{word}", len(pl), len(jl), choice)
            for i, (a, b) in enumerate(zip(pl, jl, strict=False)):
                self.schema(f"{key}|{word}[{i}]", a, b, choice, depth + 1)

    def content(
        self, key: str, pub: dict[str, Any], prj: dict[str, Any], choice: str | None
    ) -> None:
        pc, jc = pub.get("content", {}) or {}, prj.get("content", {}) or {}
        for media in sorted(set(pc) | set(jc)):
            if media not in jc or media not in pc:
                self.add(f"{key}.{media}|media", media in pc, media in jc, choice)
                continue
            c = jc[media].get(CHOICE) if isinstance(jc[media], dict) else None
            self.schema(
                f"{key}.{media}",
                pc[media].get("schema", {}),
                jc[media].get("schema", {}),
                choice or c,
            )

    def operation(
        self,
        op: str,
        pub: dict[str, Any],
        prj: dict[str, Any],
        pparams: list[Any],
        jparams: list[Any],
    ) -> None:
        choice = prj.get(CHOICE)
        self.op_choices = dict(prj.get(CHOICES) or {})
        self.params(
            op,
            pparams + (pub.get("parameters") or []),
            jparams + (prj.get("parameters") or []),
            choice,
        )
        if "requestBody" in pub or "requestBody" in prj:
            pb, _ = self.pub.resolve(pub.get("requestBody", {}))
            jb, c = self.prj.resolve(prj.get("requestBody", {}))
            c = choice or c
            if bool(pb.get("required")) != bool(jb.get("required")):
                self.add(f"{op}|requestBody|required", pb.get("required"), jb.get("required"), c)
            self.content(f"{op}|requestBody", pb, jb, c)
        pr, jr = pub.get("responses", {}) or {}, prj.get("responses", {}) or {}
        for code in sorted(set(map(str, pr)) | set(map(str, jr))):
            if code not in jr or code not in pr:
                self.add(f"{op}|{code}|response", code in pr, code in jr, choice)
                continue
            a, _ = self.pub.resolve(pr[code])
            b, c = self.prj.resolve(jr[code])
            self.content(f"{op}|{code}", a, b, choice or c)

    def params(self, op: str, pub: list[Any], prj: list[Any], choice: str | None) -> None:
        def index(doc: _Doc, items: list[Any]) -> dict[tuple[str, str], _Param]:
            out: dict[tuple[str, str], _Param] = {}
            for item in items:
                node, c = doc.resolve(item)
                out[(node["in"], node["name"])] = (node, c)
            return out

        pi, ji = index(self.pub, pub), index(self.prj, prj)
        for where, name in sorted(set(pi) | set(ji)):
            key = f"{op}|param.{where}.{name}"
            if (where, name) not in ji or (where, name) not in pi:
                self.add(f"{key}|parameter", (where, name) in pi, (where, name) in ji, choice)
                continue
            (a, _), (b, c) = pi[(where, name)], ji[(where, name)]
            c = choice or c
            if bool(a.get("required")) != bool(b.get("required")):
                self.add(f"{key}|required", a.get("required"), b.get("required"), c)
            self.schema(key, a.get("schema", {}), b.get("schema", {}), c)

    def run(self) -> list[Divergence]:
        ppaths, jpaths = self.pub.root["paths"], self.prj.root["paths"]
        for path in sorted(set(ppaths) | set(jpaths)):
            pitem, jitem = ppaths.get(path, {}), jpaths.get(path, {})
            for method in METHODS:
                if method not in pitem and method not in jitem:
                    continue
                op = f"{method.upper()} {path}"
                if method not in jitem or method not in pitem:
                    self.add(f"{op}|operation", method in pitem, method in jitem, None)
                    continue
                self.operation(
                    op,
                    pitem[method],
                    jitem[method],
                    pitem.get("parameters") or [],
                    jitem.get("parameters") or [],
                )
        return self.out


def divergences(project: Path = PROJECT_SPEC, published: Path = PUBLISHED_COPY) -> list[Divergence]:
    """Every divergence of `project` from `published`, in a stable order."""
    return _Differ(_Doc(published), _Doc(project)).run()


def _main() -> Iterator[str]:
    for d in divergences():
        yield f"{'CHOICE' if d.choice else 'UNEXPLAINED'}  {d}"


if __name__ == "__main__":
    for line in _main():
        print(line)
