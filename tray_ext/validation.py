"""Checking credentials, userData and scopes against a service environment before the wire.

Why: Tray answers a bad auth with a 400 whose message names one problem, or (worse) accepts it.
Checking first lists every problem at once and keeps bad secrets off the network.

Tray's schemas mix JSON Schema drafts: draft-03 `required: true` on a property next to draft-04+
`required: [...]` lists, plus Tray's own keywords (`advanced`, `lookup`, `enumLabels`), which
validators ignore. `normalise()` rewrites the draft-03 form into the list form, then the validator
named by `$schema` (draft-04 for draft-03 schemas, draft-07 when none is named) checks.

Errors name the field path and the rule, never the value: the values are credentials.
jsonschema is imported on first use (start-up cost).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tray_ext.errors import Problem, ValidationError

if TYPE_CHECKING:
    from tray_ext.models import ServiceEnvironment

# jsonschema ships no type information: its objects are typed as Any here.
SchemaViolation = Any
Validator = Any

__all__ = [
    "check_auth_input",
    "check_field_values",
    "normalise",
    "password_keys",
    "problems",
    "scope_problems",
]

log = logging.getLogger("tray_ext")

_SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs", "dependencies")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_SINGLE = ("additionalProperties", "not", "if", "then", "else", "contains")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def normalise(schema: Any) -> Any:
    """A copy of `schema` with draft-03 `required: true` moved into the parent's `required` list."""
    if not isinstance(schema, Mapping):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SUBSCHEMA_MAPS and isinstance(value, Mapping):
            result[key] = {
                name: normalise(sub) if isinstance(sub, Mapping) else sub
                for name, sub in value.items()
            }
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            result[key] = [normalise(sub) for sub in value]
        elif key in _SUBSCHEMA_SINGLE or key == "items":
            result[key] = (
                [normalise(sub) for sub in value] if isinstance(value, list) else normalise(value)
            )
        elif key == "required" and isinstance(value, bool):
            continue  # draft-03 form: lifted into the parent below
        else:
            result[key] = value
    properties = result.get("properties")
    if isinstance(properties, Mapping) and isinstance(schema.get("properties"), Mapping):
        required = list(result["required"]) if isinstance(result.get("required"), list) else []
        for name, sub in schema["properties"].items():
            if isinstance(sub, Mapping) and sub.get("required") is True and name not in required:
                required.append(name)
        if required:
            result["required"] = required
    return result


def password_keys(schema: Any) -> frozenset[str]:
    """Names of properties (at any depth) whose schema says `format: password`."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            properties = node.get("properties")
            if isinstance(properties, Mapping):
                for name, sub in properties.items():
                    if isinstance(sub, Mapping) and sub.get("format") == "password":
                        found.add(str(name))
            stack.extend(v for v in node.values() if isinstance(v, Mapping | list))
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(found)


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Validator:
    from jsonschema import (  # type: ignore[import-untyped]
        Draft4Validator,
        Draft7Validator,
        validators,
    )

    schema = normalise(json.loads(schema_json))
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    cls: Any = Draft7Validator
    if isinstance(declared, str):
        if "draft-03" in declared:
            cls = Draft4Validator  # normalised into draft-04's required lists
            schema = {k: v for k, v in schema.items() if k != "$schema"}
        else:
            cls = validators.validator_for(schema, default=Draft7Validator)
    validator: Validator = cls(schema)
    return validator


def _path(root: str, parts: Iterable[Any]) -> str:
    text = root
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(str(part)):
            text += f".{part}"
        else:
            text += f"[{json.dumps(str(part))}]"
    return text


def _rule(error: SchemaViolation) -> str:
    """The rule an error broke, from the schema (never from the instance)."""
    keyword = str(error.validator)
    expected = error.validator_value
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return f"must be of type {' or '.join(map(str, kinds))}"
    if keyword == "enum" and isinstance(expected, list):
        shown = ", ".join(json.dumps(v) for v in expected[:10])
        return f"must be one of the allowed values ({shown}{', ...' if len(expected) > 10 else ''})"
    if keyword == "const":
        return "must equal the schema's constant"
    if keyword == "minLength":
        return f"must be at least {expected} characters long"
    if keyword == "maxLength":
        return f"must be at most {expected} characters long"
    if keyword == "pattern":
        return f"must match the pattern {expected!r}"
    if keyword in ("oneOf", "anyOf"):
        how_many = "exactly one" if keyword == "oneOf" else "at least one"
        return f"must match {how_many} of the allowed shapes"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        return f"breaks {keyword} {expected}"
    if keyword in ("minItems", "maxItems", "minProperties", "maxProperties"):
        return f"breaks {keyword} {expected}"
    if keyword == "uniqueItems":
        return "items must be unique"
    if keyword in ("dependencies", "dependentRequired"):
        return "is required by another field that is set"
    return f"breaks the '{keyword}' rule"


def problems(schema: Mapping[str, Any], instance: Any, root: str) -> list[Problem]:
    """Every way `instance` breaks `schema`, as (field path, rule) pairs."""
    if not schema:
        return []
    if not isinstance(instance, Mapping):
        return [Problem(root, "must be an object")]
    try:
        validator = _validator(json.dumps(schema, sort_keys=True, default=str))
        errors = list(validator.iter_errors(dict(instance)))
    except Exception as unusable:  # a schema jsonschema cannot use: leave the check to Tray
        log.warning(
            "cannot check %s against its schema (%s); Tray will check it",
            root,
            type(unusable).__name__,
        )
        return []
    found: list[Problem] = []
    for error in errors:
        where = list(error.absolute_path)
        value = error.instance
        if error.validator == "required" and isinstance(value, Mapping):
            found.extend(
                Problem(_path(root, [*where, name]), "is required")
                for name in error.validator_value
                if name not in value
            )
        elif error.validator == "additionalProperties" and isinstance(value, Mapping):
            declared = (
                error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
            )
            patterns = (
                error.schema.get("patternProperties", {})
                if isinstance(error.schema, Mapping)
                else {}
            )
            found.extend(
                Problem(_path(root, [*where, name]), "is not allowed (no such field in the schema)")
                for name in value
                if name not in declared and not any(re.search(p, str(name)) for p in patterns)
            )
        else:
            found.append(Problem(_path(root, where), _rule(error)))
    return sorted(set(found), key=lambda p: (p.path, p.rule))


def scope_problems(environment: ServiceEnvironment, scopes: Sequence[str]) -> list[Problem]:
    """Scopes the environment does not offer, and duplicates."""
    offered = set(environment.scopes)
    found = []
    seen: set[str] = set()
    for index, scope in enumerate(scopes):
        if not isinstance(scope, str):
            found.append(Problem(f"scopes[{index}]", "must be a string"))
        elif scope in seen:
            found.append(Problem(f"scopes[{index}]", "is listed twice (scopes must be unique)"))
        elif scope not in offered:
            hint = (
                f"the environment offers: {', '.join(sorted(offered))}"
                if offered
                else "the environment offers no scopes"
            )
            found.append(
                Problem(
                    f"scopes[{index}]",
                    f"is not a scope of environment {environment.title!r} ({hint})",
                )
            )
        if isinstance(scope, str):
            seen.add(scope)
    return found


def check_auth_input(
    environment: ServiceEnvironment,
    *,
    credentials: Any,
    user_data: Any,
    scopes: Sequence[str],
    operation: str | None = None,
) -> None:
    """Raise ValidationError listing every problem of an auth's credentials, userData and scopes."""
    found = [
        *problems(environment.credentials_schema, credentials, "credentials"),
        *problems(
            environment.user_data_schema, user_data if user_data is not None else {}, "user_data"
        ),
        *scope_problems(environment, scopes),
    ]
    if found:
        raise ValidationError(
            f"the auth does not fit service environment {environment.title!r} "
            f"({environment.id}); nothing was sent",
            found,
            operation=operation,
        )


_FIELD_VALUE_RULE = (
    "must be a string, an integer, a boolean, an object or a list of objects "
    "(what Tray's REST API takes for a credentials or userData field)"
)


def _fits_field_value(value: Any) -> bool:
    if isinstance(value, bool | int | str | Mapping):
        return True
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, list | tuple):
        return all(isinstance(item, Mapping) for item in value)
    return False


def check_field_values(operation: str, **groups: Mapping[str, Any] | None) -> None:
    """Raise ValidationError for a credentials/userData field Tray's REST contract cannot carry
    (a list of strings, null, a fraction): refused by name before the wire, not a parse failure.

    `groups` maps a field path root (`credentials`, `user_data`) to its values.
    """
    found = [
        Problem(_path(root, [key]), _FIELD_VALUE_RULE)
        for root, values in groups.items()
        for key, value in (values or {}).items()
        if not _fits_field_value(value)
    ]
    if found:
        raise ValidationError(
            "the auth has values Tray's REST API cannot take; nothing was sent (the GraphQL "
            "create takes any JSON)",
            found,
            operation=operation,
        )
