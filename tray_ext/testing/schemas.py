"""Validating data against Tray's JSON Schemas, and describing failures without values.

Tray mixes drafts: some schemas declare draft-03 and mark properties ``required: true``, others
use draft-04 ``required`` lists, and connector input schemas carry Tray's own ``$schema`` URL. The
validator is chosen from ``$schema`` when it names a JSON Schema draft; an unversioned schema (or
one with Tray's URL) is validated as draft-04 after translating draft-03 ``required: true`` into a
``required`` list, so both styles are honoured wherever they appear.

Failure messages follow the Everit validator Tray runs ("#/credentials: required key [dc] not
found") and name the field and the rule, never the value: values are often secrets.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import jsonschema  # type: ignore[import-untyped,unused-ignore]

_DRAFTS: dict[str, Any] = {
    "json-schema.org/draft-03/schema": jsonschema.Draft3Validator,
    "json-schema.org/draft-04/schema": jsonschema.Draft4Validator,
    "json-schema.org/draft-06/schema": jsonschema.Draft6Validator,
    "json-schema.org/draft-07/schema": jsonschema.Draft7Validator,
    "json-schema.org/draft/2019-09/schema": jsonschema.Draft201909Validator,
    "json-schema.org/draft/2020-12/schema": jsonschema.Draft202012Validator,
}


class _Validator(Protocol):
    def iter_errors(self, instance: Any) -> Iterable[Any]: ...


@dataclass(frozen=True)
class SchemaViolation:
    """One schema violation: where (a JSON pointer), which rule, and a value-free message."""

    pointer: str
    rule: str
    message: str
    #: For ``required``: the missing keys (the pointer names their parent object).
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


def _draft_for(schema: Mapping[str, Any]) -> Any | None:
    declared = schema.get("$schema")
    if not isinstance(declared, str):
        return None
    normalised = declared.split("://", 1)[-1].rstrip("#")
    return _DRAFTS.get(normalised)


def translate_draft03_required(schema: Any) -> Any:
    """A copy of ``schema`` with draft-03 ``required: true`` properties turned into a list.

    Used for schemas not declared as draft-03, which are validated as draft-04 (or the draft they
    name): there a boolean ``required`` is not a constraint, so without the translation a draft-03
    required property would silently become optional.
    """
    if isinstance(schema, list):
        return [translate_draft03_required(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "required" and isinstance(value, bool):
            continue  # a draft-03 marker: the parent object turns it into its required list
        if key == "properties" and isinstance(value, dict):
            continue  # handled below, where the markers are still visible
        result[key] = translate_draft03_required(value)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        declared = schema.get("required")
        names = [str(n) for n in declared] if isinstance(declared, list) else []
        translated: dict[str, Any] = {}
        for name, subschema in properties.items():
            if (
                isinstance(subschema, dict)
                and subschema.get("required") is True
                and name not in names
            ):
                names.append(name)
            translated[name] = translate_draft03_required(subschema)
        result["properties"] = translated
        if names:
            result["required"] = names
    return result


class SchemaChecker:
    """Compiled validators for Tray schemas, cached by content (schemas are few and reused)."""

    def __init__(self) -> None:
        self._cache: dict[str, _Validator] = {}
        self._lock = threading.Lock()

    def validator(self, schema: Mapping[str, Any]) -> _Validator:
        key = json.dumps(schema, sort_keys=True, default=str)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        draft = _draft_for(schema)
        if draft is jsonschema.Draft3Validator:
            compiled: _Validator = draft(copy.deepcopy(dict(schema)))
        else:
            # Later drafts (and unversioned schemas) still get draft-03 `required: true`
            # translated: Tray mixes the styles even inside one document.
            compiled = (draft or jsonschema.Draft4Validator)(
                translate_draft03_required(dict(schema))
            )
        with self._lock:
            self._cache[key] = compiled
        return compiled

    def check(
        self, schema: Mapping[str, Any], instance: Any, pointer: str = "#"
    ) -> list[SchemaViolation]:
        """Every violation of ``schema`` by ``instance``, with pointers under ``pointer``."""
        if not schema:
            return []
        errors = self.validator(schema).iter_errors(instance)
        return describe_errors(errors, pointer)


def _pointer(base: str, parts: Sequence[Any]) -> str:
    pointer = base
    for part in parts:
        pointer += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return pointer


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _allowed(values: Any) -> str:
    if not isinstance(values, list):
        return ""
    return ", ".join(json.dumps(v) for v in values)


def describe_error(error: Any, base: str = "#") -> SchemaViolation:
    """A value-free description of one ``jsonschema.ValidationError``.

    jsonschema's own messages embed the offending value ("'hunter2' is too short"), so they are
    never used: the message is rebuilt from the keyword and the schema alone.
    """
    rule = str(error.validator)
    rule_value = error.validator_value
    instance = error.instance
    parts = list(error.absolute_path)
    if rule == "required":
        if isinstance(rule_value, bool):
            # Draft-03: the error sits on the missing property itself.
            missing = [str(parts.pop())] if parts else []
        else:
            present = instance if isinstance(instance, dict) else {}
            missing = [str(name) for name in rule_value if name not in present]
        keys = ", ".join(missing) or "?"
        return SchemaViolation(
            _pointer(base, parts), rule, f"required key [{keys}] not found", tuple(missing)
        )
    if rule == "additionalProperties":
        known = set((error.schema or {}).get("properties", {}) or {})
        extra = (
            sorted(str(k) for k in instance if k not in known) if isinstance(instance, dict) else []
        )
        message = f"extraneous key [{', '.join(extra)}] is not permitted"
        return SchemaViolation(_pointer(base, parts), rule, message)
    pointer = _pointer(base, parts)
    messages: dict[str, str] = {
        "type": f"expected type: {rule_value}, found: {_type_name(instance)}",
        "enum": f"not a valid enum value (allowed: {_allowed(rule_value)})",
        "const": "does not match the expected constant",
        "format": f"is not a valid {rule_value}",
        "pattern": f"string does not match pattern {rule_value}",
        "minLength": f"expected minLength: {rule_value}",
        "maxLength": f"expected maxLength: {rule_value}",
        "minimum": f"is less than the minimum {rule_value}",
        "maximum": f"is greater than the maximum {rule_value}",
        "exclusiveMinimum": f"is not greater than {rule_value}",
        "exclusiveMaximum": f"is not less than {rule_value}",
        "minItems": f"expected minimum item count: {rule_value}",
        "maxItems": f"expected maximum item count: {rule_value}",
        "uniqueItems": "array items are not unique",
        "minProperties": f"expected minimum property count: {rule_value}",
        "maxProperties": f"expected maximum property count: {rule_value}",
        "multipleOf": f"is not a multiple of {rule_value}",
        "not": "matches a schema it must not match",
        "dependencies": "a dependency is not satisfied",
        "dependentRequired": "a dependency is not satisfied",
        "disallow": "is of a disallowed type",
    }
    if rule in ("oneOf", "anyOf"):
        count = len(rule_value) if isinstance(rule_value, list) else 0
        options = [s.get("type") for s in rule_value if isinstance(s, dict)] if count else []
        if options and all(isinstance(t, str) for t in options):
            kinds = ", ".join(str(t) for t in options)
            message = f"expected one of the types [{kinds}], found: {_type_name(instance)}"
        else:
            message = f"no subschema matched out of the total {count} subschemas"
        return SchemaViolation(pointer, rule, message)
    return SchemaViolation(pointer, rule, messages.get(rule, f"violates the '{rule}' rule"))


def describe_errors(errors: Iterable[Any], base: str = "#") -> list[SchemaViolation]:
    """Value-free descriptions of jsonschema errors, in a stable (pointer) order."""
    problems = [describe_error(error, base) for error in errors]
    return sorted(problems, key=lambda p: (p.pointer, p.rule, p.message))


def everit_message(
    problems: Sequence[SchemaViolation], headline: str = "Schema validation errors:"
) -> str:
    """Tray's message format: ``headline\\n[ 1 - #/x: ..., 2 - #/y: ... ]``."""
    items = ", ".join(f"{index} - {problem}" for index, problem in enumerate(problems, 1))
    return f"{headline}\n[ {items} ]"


Problem = SchemaViolation
"""The name before 0.3, kept for code written against 0.2: `SchemaViolation` no longer shares its
name with `tray_ext.errors.Problem`."""
