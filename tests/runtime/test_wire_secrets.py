"""The core registers secrets by the contract's field names: they must match the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tray_ext.wire_secrets import REST_SECRET_FIELDS

SPEC = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"


def _secret_properties(spec: dict[str, Any]) -> set[str]:
    """Names of properties whose schema is, or refers to, one marked `x-tray-ext-secret`."""
    schemas = spec["components"]["schemas"]
    secret_refs = {
        f"#/components/schemas/{name}"
        for name, schema in schemas.items()
        if isinstance(schema, dict) and schema.get("x-tray-ext-secret")
    }
    found: set[str] = set()
    for schema in schemas.values():
        for name, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict) and (
                prop.get("x-tray-ext-secret") or prop.get("$ref") in secret_refs
            ):
                found.add(name)
    return found


def test_the_rest_secret_fields_are_those_the_spec_marks() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    assert _secret_properties(spec) == set(REST_SECRET_FIELDS)
