"""From a raw record to a `RowSpec`: the columns/keys of the input format and their static rules.

This module knows the input format (documented in `tray_ext.importer`) and checks what can be
checked without Tray: required fields, types, the shape of scopes and JSON cells, the solution
columns going together. Checks that need Tray (does the service exist, does the row satisfy the
environment's schemas) are the planner's.

Credentials and user data stay as written (references unresolved, CSV cells as text) in the
`RowSpec`; `materialize` turns them into the values sent to Tray, at the last moment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tray_ext.importer.problems import RowProblem
from tray_ext.importer.secrets import SecretReferenceError, resolve_value
from tray_ext.importer.source import Record, looks_like_name

Api = Literal["rest", "graphql"]
APIS: tuple[Api, ...] = ("rest", "graphql")
DEFAULT_ENVIRONMENT = "Production"

# Plain columns (CSV) / keys (JSON Lines).
SCALAR_FIELDS = (
    "external_user_id",
    "user_name",
    "service",
    "service_version",
    "connector",
    "connector_version",
    "environment",
    "auth_name",
    "scopes",
    "api",
    "solution_id",
    "instance_name",
    "auth_slot",
)
OBJECT_FIELDS = ("credentials", "user_data", "config")
KNOWN_FIELDS = frozenset(SCALAR_FIELDS + OBJECT_FIELDS)


class Cell(str):
    """Text from a flattened CSV cell (`credentials.token`): typed later from the schema.

    A CSV cell is always text, but a schema may want an integer (`expires_in`) or a boolean.
    Values that came as JSON (a JSON Lines row, a `credentials` JSON cell) are already typed
    and are not `Cell`s.
    """

    __slots__ = ()


@dataclass(frozen=True, repr=False)
class RowSpec:
    """One row's intent: who, which service environment, which auth, and optionally an instance.

    `credentials` and `user_data` may hold secrets and references; `__repr__` shows their keys
    only.
    """

    line: int
    external_user_id: str
    user_name: str | None
    auth_name: str
    service: str | None = None
    service_version: int | None = None
    connector: str | None = None
    connector_version: str | None = None
    environment: str = DEFAULT_ENVIRONMENT
    api: Api = "rest"
    credentials: Mapping[str, Any] = field(default_factory=dict)
    user_data: Mapping[str, Any] = field(default_factory=dict)
    scopes: tuple[str, ...] = ()
    solution_id: str | None = None
    instance_name: str | None = None
    auth_slot: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def wants_instance(self) -> bool:
        return self.solution_id is not None

    @property
    def service_ref(self) -> tuple[str, str, str]:
        """("service"|"connector", name, version) - what the row names, before resolution."""
        if self.service is not None:
            return ("service", self.service, str(self.service_version))
        return ("connector", self.connector or "", self.connector_version or "")

    def __repr__(self) -> str:
        return (
            f"RowSpec(line={self.line}, external_user_id={self.external_user_id!r}, "
            f"auth_name={self.auth_name!r}, service_ref={self.service_ref!r}, "
            f"environment={self.environment!r}, api={self.api!r}, "
            f"credentials=<keys {sorted(self.credentials)}>, "
            f"user_data=<keys {sorted(self.user_data)}>, scopes={self.scopes!r}, "
            f"solution_id={self.solution_id!r})"
        )


def interpret(record: Record, *, default_api: Api = "rest") -> RowSpec | list[RowProblem]:
    """Check a record's shape and build its `RowSpec`, or list every problem in it."""
    problems: list[RowProblem] = []
    line = record.line
    values = record.values
    flat, nested = _split_columns(values)

    def bad(field_name: str, rule: str) -> None:
        problems.append(RowProblem(line, field_name, rule))

    for position, key in enumerate(values, start=1):
        if key not in KNOWN_FIELDS and not any(key.startswith(p + ".") for p in OBJECT_FIELDS):
            # A name that does not look like one may be a value in the wrong place: not shown.
            shown = key if looks_like_name(key) else f"(column {position}, name not shown)"
            bad(shown, "unknown column/key (see the input format in `tray-ext import --help`)")

    def text(name: str, *, required: bool = False) -> str | None:
        raw = flat.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                bad(name, "required")
            return None
        if not isinstance(raw, str):
            bad(name, "must be a string")
            return None
        return raw.strip()

    external_user_id = text("external_user_id", required=True)
    user_name = text("user_name")
    auth_name = text("auth_name", required=True)
    environment = text("environment") or DEFAULT_ENVIRONMENT

    service = text("service")
    service_version: int | None = None
    connector = text("connector")
    connector_version: str | None = None
    raw_sv = flat.get("service_version")
    raw_cv = flat.get("connector_version")
    if service is not None and connector is not None:
        bad("service", "give either service + service_version or connector + connector_version")
    elif service is not None:
        service_version = _int_field(raw_sv, "service_version", bad)
        if raw_cv not in (None, ""):
            bad("connector_version", "only with connector, not with service")
    elif connector is not None:
        connector_version = _version_field(raw_cv, "connector_version", bad)
        if raw_sv not in (None, ""):
            bad("service_version", "only with service, not with connector")
    else:
        bad("service", "required (or connector + connector_version)")

    api_text = text("api")
    api: Api = default_api
    if api_text is not None:
        lowered = api_text.lower()
        if lowered == "rest":
            api = "rest"
        elif lowered == "graphql":
            api = "graphql"
        else:
            bad("api", "must be rest or graphql")

    scopes = _scopes(flat.get("scopes"), bad)
    credentials = _object_field("credentials", flat.get("credentials"), nested, bad)
    user_data = _object_field("user_data", flat.get("user_data"), nested, bad)
    config = _object_field("config", flat.get("config"), nested, bad, cells_are_json=True)

    solution_id = text("solution_id")
    instance_name = text("instance_name")
    auth_slot = text("auth_slot")
    if solution_id is None:
        for name, present in (
            ("instance_name", instance_name),
            ("auth_slot", auth_slot),
            ("config", config),
        ):
            if present:
                bad(name, "only with solution_id")
    elif auth_slot is None:
        bad("auth_slot", "required with solution_id (the auth slot's externalId)")

    if problems or external_user_id is None or auth_name is None:
        return problems
    return RowSpec(
        line=line,
        external_user_id=external_user_id,
        user_name=user_name,
        auth_name=auth_name,
        service=service,
        service_version=service_version,
        connector=connector,
        connector_version=connector_version,
        environment=environment,
        api=api,
        credentials=credentials,
        user_data=user_data,
        scopes=scopes,
        solution_id=solution_id,
        instance_name=(instance_name or auth_name) if solution_id else None,
        auth_slot=auth_slot,
        config=config,
    )


def _split_columns(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Separate plain fields from flattened `credentials.x` / `user_data.x` / `config.x` cells."""
    flat: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {name: {} for name in OBJECT_FIELDS}
    for key, value in values.items():
        prefix, dot, rest = key.partition(".")
        if dot and prefix in OBJECT_FIELDS and rest:
            nested[prefix][rest] = value
        else:
            flat[key] = value
    return flat, nested


def _int_field(raw: Any, name: str, bad: Any) -> int | None:
    if raw is None or raw == "":
        bad(name, "required with service (the integer service version from `tray-ext connectors`)")
        return None
    if isinstance(raw, bool):
        bad(name, "must be an integer")
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    bad(name, "must be an integer (the service version, not the decimal connector version)")
    return None


def _version_field(raw: Any, name: str, bad: Any) -> str | None:
    if raw is None or raw == "":
        bad(name, "required with connector (the decimal connector version, e.g. 9.1)")
        return None
    if not isinstance(raw, str):
        bad(name, 'must be a string such as "9.1" (a JSON number loses trailing zeros)')
        return None
    if not re.fullmatch(r"\d+(\.\d+)*", raw.strip()):
        bad(name, "must look like 9.1")
        return None
    return raw.strip()


def _scopes(raw: Any, bad: Any) -> tuple[str, ...]:
    """Scopes: a JSON array of strings, or in CSV space-separated text (or a JSON array)."""
    if raw is None or raw == "":
        return ()
    items: Any = raw
    if isinstance(raw, str):
        stripped = raw.strip()
        if stripped.startswith("["):
            try:
                items = json.loads(stripped)
            except json.JSONDecodeError:
                bad("scopes", "starts with [ but is not a valid JSON array")
                return ()
        else:
            items = stripped.split()
    if not isinstance(items, list):
        bad("scopes", "must be a list of strings")
        return ()
    result: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            bad(f"scopes[{index}]", "must be a non-empty string")
            continue
        if item in result:
            bad(f"scopes[{index}]", "appears twice (scopes must be unique)")
            continue
        result.append(item)
    return tuple(result)


def _object_field(
    name: str,
    whole: Any,
    nested: Mapping[str, Mapping[str, Any]],
    bad: Any,
    *,
    cells_are_json: bool = False,
) -> dict[str, Any]:
    """An object given whole (JSON object / JSON cell) and/or as flattened `name.key` cells."""
    result: dict[str, Any] = {}
    if whole is not None and whole != "":
        parsed: Any = whole
        if isinstance(whole, str):
            try:
                parsed = json.loads(whole)
            except json.JSONDecodeError as exc:
                bad(name, f"not a valid JSON object: {exc.msg} at column {exc.colno}")
                parsed = None
        if parsed is not None and not isinstance(parsed, dict):
            bad(name, "must be a JSON object")
        elif isinstance(parsed, dict):
            result.update(parsed)
    for key, value in nested.get(name, {}).items():
        if value is None or value == "":
            continue  # an empty cell means "not given"
        path = f"{name}.{key}"
        if key in result:
            bad(path, f"given twice (in the {name} JSON cell and in its own column)")
            continue
        if "." in key:
            bad(path, "nested paths are not supported in column names; use a JSON cell")
            continue
        if cells_are_json and isinstance(value, str):
            result[key] = _json_or_text(value)
        elif isinstance(value, str):
            result[key] = Cell(value)
        else:
            result[key] = value
    return result


def _json_or_text(text: str) -> Any:
    """A config cell: JSON when it parses (7, true, "x", [1]), else the text itself."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def materialize(
    values: Mapping[str, Any],
    schema: Mapping[str, Any],
    *,
    prefix: str,
    line: int,
    base_dir: Path,
    environ: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], list[RowProblem]]:
    """The values to send: references resolved, CSV cells typed from `schema`'s property types.

    Typing is a convenience for CSV, not validation: a cell is converted only when the schema
    says integer/number/boolean/object/array and the text converts cleanly; otherwise it is
    left as text and the runtime's validation reports the rule it breaks.
    """
    properties = schema.get("properties") if isinstance(schema, Mapping) else None
    props: Mapping[str, Any] = properties if isinstance(properties, Mapping) else {}
    result: dict[str, Any] = {}
    problems: list[RowProblem] = []
    for key, value in values.items():
        try:
            resolved = resolve_value(value, base_dir, environ)
        except SecretReferenceError as exc:
            problems.append(RowProblem(line, f"{prefix}.{key}", str(exc)))
            continue
        if isinstance(value, Cell) and isinstance(resolved, str):
            resolved = _coerce(resolved, props.get(key))
        result[key] = resolved
    return result, problems


def _coerce(text: str, prop: Any) -> Any:
    types = _schema_types(prop)
    stripped = text.strip()
    if "string" in types or not types:
        return text
    if "integer" in types and re.fullmatch(r"[+-]?\d+", stripped):
        return int(stripped)
    if "number" in types and re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", stripped):
        number = float(stripped)
        return int(number) if number.is_integer() and "." not in stripped else number
    if "boolean" in types and stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    if ("object" in types or "array" in types) and stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return text
    return text


def _schema_types(prop: Any) -> set[str]:
    if not isinstance(prop, Mapping):
        return set()
    declared = prop.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return set()


def iter_field_names(spec: RowSpec) -> Iterator[str]:
    """The dotted names of a row's credentials and user data fields (for messages)."""
    for key in spec.credentials:
        yield f"credentials.{key}"
    for key in spec.user_data:
        yield f"user_data.{key}"
