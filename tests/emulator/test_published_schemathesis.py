"""schemathesis driven by Tray's *published* spec against the served emulator.

tests/emulator/test_schemathesis.py checks the emulator against the project's spec, which both
were written from; this checks it against what Tray publishes (tests/spec/published/), so the
emulator cannot agree with the project's spec where both disagree with Tray. Per case:

- no request the published spec calls valid is rejected by the emulator's contract check (a
  positive case answered 400 "Request validation failed");
- every JSON response is valid under the published schema for its status, except where the
  failure sits on a divergence spec/openapi.yaml records as a choice (`x-tray-ext-choice`, e.g.
  environment scopes as {scope, description} objects, JSON Schema documents holding lists);
- schemathesis' other default checks pass (status codes and content types documented, no 5xx,
  auth enforced, unsupported methods refused), except negative-data rejection: the project's spec
  is deliberately wider than Tray's in recorded choices (any JSON value in a connector's input,
  any value in an object credential), and the project-spec run checks rejection against it.

Half of the positive cases are pointed at seeded resources, as in the project-spec run.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import jsonschema
import schemathesis
import yaml
from schemathesis.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
)

from tests.spec.contract_diff import PUBLISHED_COPY, divergences
from tray_ext.testing import ServedEmulator

from .wire import point_at_existing_resources

MAX_EXAMPLES = 25
SEED = 20261207
CONTRACT_REJECTION = "Request validation failed"

schema = schemathesis.openapi.from_path(PUBLISHED_COPY)
schema.config.generation.update(max_examples=MAX_EXAMPLES)
schema.config.seed = SEED

PUBLISHED: dict[str, Any] = yaml.safe_load(PUBLISHED_COPY.read_text())
CHOICES = [d for d in divergences() if d.choice]
_turn = itertools.count()


def _inline(node: Any, depth: int = 0) -> Any:
    """A published schema with its refs replaced by their targets (the excerpt has no cycles),
    so a validation error's schema path reads as the walk contract_diff keys divergences by."""
    assert depth < 40
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = PUBLISHED
            for part in node["$ref"][2:].split("/"):
                target = target[part]
            return _inline(target, depth + 1)
        return {k: _inline(v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, depth + 1) for v in node]
    return node


def _location(schema_path: list[Any]) -> str:
    """contract_diff's spelling of a schema path: `.name`, `[]`, `{*}`, `|oneOf[i]`."""
    out, i = "", 0
    while i < len(schema_path):
        part = schema_path[i]
        if part == "properties" and i + 1 < len(schema_path):
            out += f".{schema_path[i + 1]}"
            i += 2
        elif part == "items":
            out += "[]"
            i += 1
        elif part == "additionalProperties":
            out += "{*}"
            i += 1
        elif part in ("oneOf", "anyOf", "allOf") and i + 1 < len(schema_path):
            out += f"|{part}[{schema_path[i + 1]}]"
            i += 2
        else:
            i += 1  # the failing keyword itself
    return out


def _explained(operation: str, where: str, error: jsonschema.ValidationError) -> bool:
    """Whether a recorded choice covers this failure: a divergence at the failing node (or
    inside the oneOf that failed) of the same operation and response."""
    keyword = str(error.validator)
    base = f"{operation}|{where}{_location(list(error.absolute_schema_path)[:-1])}"
    accepted = {"type": ("|type", "|nullable")}.get(keyword, (f"|{keyword}",))
    for divergence in CHOICES:
        if not divergence.key.startswith(base):
            continue
        rest = divergence.key[len(base) :]
        if rest.startswith(accepted) or (keyword in ("oneOf", "anyOf") and rest.startswith("|")):
            return True
    return False


def _published_schema(method: str, path: str, status: int, media: str) -> Any:
    operation = PUBLISHED["paths"][path].get(method.lower())
    if operation is None:  # schemathesis' unsupported-method probes
        return None
    responses = operation["responses"]
    content = (responses.get(str(status)) or {}).get("content") or {}
    entry = content.get(media)
    return None if entry is None or "schema" not in entry else _inline(entry["schema"])


def _unexplained(case: Any, response: Any) -> list[str]:
    # schemathesis' Response keeps each header as a list of values.
    content_type = (response.headers.get("content-type") or [""])[0]
    media = content_type.split(";")[0].strip()
    published = _published_schema(case.method, case.path, response.status_code, media)
    if published is None or not response.content:
        return []
    body = json.loads(response.content)
    operation = f"{case.method.upper()} {case.path}"
    where = f"{response.status_code}.{media}"
    found = []
    for error in jsonschema.Draft202012Validator(published).iter_errors(body):
        if not _explained(operation, where, error):
            pointer = "/".join(map(str, error.absolute_path))
            found.append(f"{operation} {response.status_code} at /{pointer}: {error.validator}")
    return found


@schema.parametrize()
def test_the_emulator_keeps_trays_published_contract(case: Any, served: ServedEmulator) -> None:
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and next(_turn) % 2 == 0:
        point_at_existing_resources(case, served)
    # Tray's spec also lists Authorization as an optional header parameter; the token is ours.
    # (passed per call, which wins over a generated value and tells schemathesis it is ours).
    headers = {"Authorization": f"Bearer {served.master_token}"}
    response = case.call(base_url=served.base_url, headers=headers)
    assert response.request.headers["Authorization"] == headers["Authorization"]
    if positive and response.status_code == 400:
        message = response.json().get("message", "")
        assert not message.startswith(CONTRACT_REJECTION), "a valid request was rejected"
    assert _unexplained(case, response) == []
    case.validate_response(
        response,
        headers=headers,
        excluded_checks=[
            response_schema_conformance,  # replaced by _unexplained (choices allowed)
            positive_data_acceptance,  # replaced by the contract-rejection check above
            negative_data_rejection,  # the project's spec is wider in recorded choices
        ],
    )


def test_a_failure_off_the_recorded_choices_is_not_explained() -> None:
    """The classifier must not wave everything through: a missing required `id` in a 200, or a
    `message` that is not a string, is outside every choice; a scope object is inside one."""
    get = "GET /core/v1/authentications/{authentication-id}"
    body_schema = _published_schema(
        "GET", "/core/v1/authentications/{authentication-id}", 200, "application/json"
    )
    errors = list(jsonschema.Draft202012Validator(body_schema).iter_errors({"name": "n"}))
    assert errors
    assert not any(_explained(get, "200.application/json", e) for e in errors)
    error_schema = _published_schema("GET", "/core/v1/connectors", 404, "application/json")
    errors = list(jsonschema.Draft202012Validator(error_schema).iter_errors({"message": 1}))
    assert errors
    assert not any(_explained("GET /core/v1/connectors", "404.application/json", e) for e in errors)
    envs = "/core/v1/services/{service-name}/versions/{service-version}/environments"
    env_schema = _published_schema("GET", envs, 200, "application/json")
    body = {
        "elements": [
            {
                "id": "e",
                "title": "Production",
                "authenticationType": "oauth2",
                "userDataSchema": {"required": ["a"]},
                "credentialsSchema": {},
                "scopes": [{"scope": "s", "description": "d"}],
            }
        ]
    }
    errors = list(jsonschema.Draft202012Validator(env_schema).iter_errors(body))
    assert len(errors) == 2
    assert all(_explained(f"GET {envs}", "200.application/json", e) for e in errors)
