"""schemathesis against the served emulator with spec/openapi.yaml: no check may fail.

All of schemathesis' default checks run (response schema, status codes, content types, auth
enforcement, negative data rejected, positive data accepted, unsupported methods, no 5xx).
Generated path ids would almost never exist, so half of the schema-valid (positive) cases are
pointed at resources seeded for the purpose, with a body the emulator's environment schemas
accept; negative cases are sent exactly as generated. Faults and the rate limit are off: this
run checks the contract, not resilience. Bounded by ``MAX_EXAMPLES`` and seeded.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis

from tray_ext.testing import Emulator, ServedEmulator, serve_in_thread
from tray_ext.testing.catalogue import SQS_PRODUCTION_ID
from tray_ext.testing.specfiles import openapi_path

from .wire import SQS_CREDENTIALS

MAX_EXAMPLES = 25
SEED = 20241121

schema = schemathesis.openapi.from_path(openapi_path())
schema.config.generation.update(max_examples=MAX_EXAMPLES)
schema.config.seed = SEED

_turn = itertools.count()


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    emulator = Emulator(rate_limit=None, faults=None)
    with serve_in_thread(emulator) as running:
        yield running
    violations = emulator.contract_violations
    emulator.close()
    assert violations == []


def _name(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("name"), str):
        return body["name"]
    return "schemathesis"


def _point_at_existing_resources(case: Any, served: ServedEmulator) -> None:
    """Make a positive case hit seeded resources, with input the emulator accepts."""
    path = case.operation.path
    method = case.operation.method.upper()
    state = served.emulator.state
    auth = state.add_auth(
        owner=None,
        service_environment_id=SQS_PRODUCTION_ID,
        name="seeded for schemathesis",
        credentials=SQS_CREDENTIALS,
    )
    if "{authentication-id}" in path:
        case.path_parameters["authentication-id"] = auth.id
        if method == "PUT":
            case.body = {"name": _name(case.body), "credentials": SQS_CREDENTIALS}
    if "{connector-name}" in path:
        case.path_parameters["connector-name"] = "sqs"
        case.path_parameters["connector-version"] = "2.3"
        if method == "POST":
            case.body = {
                "operation": "receive_messages",
                "authId": auth.id,
                "input": {"queue_url": "q"},
            }
    if "{service-name}" in path:
        case.path_parameters["service-name"] = "sqs"
        case.path_parameters["service-version"] = 2
    if path == "/core/v1/authentications" and method == "POST":
        case.body = {
            "name": _name(case.body),
            "serviceEnvironmentId": SQS_PRODUCTION_ID,
            "credentials": SQS_CREDENTIALS,
        }


@schema.parametrize()
def test_the_emulator_conforms_to_the_rest_contract(case: Any, served: ServedEmulator) -> None:
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and next(_turn) % 2 == 0:
        _point_at_existing_resources(case, served)
    case.call_and_validate(
        base_url=served.base_url,
        headers={"Authorization": f"Bearer {served.master_token}"},
    )
