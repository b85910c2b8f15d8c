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
from typing import Any

import schemathesis

from tray_ext.testing import ServedEmulator
from tray_ext.testing.specfiles import openapi_path

from .wire import point_at_existing_resources

MAX_EXAMPLES = 25
SEED = 20241121

schema = schemathesis.openapi.from_path(openapi_path())
schema.config.generation.update(max_examples=MAX_EXAMPLES)
schema.config.seed = SEED

_turn = itertools.count()


@schema.parametrize()
def test_the_emulator_conforms_to_the_rest_contract(case: Any, served: ServedEmulator) -> None:
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and next(_turn) % 2 == 0:
        point_at_existing_resources(case, served)
    case.call_and_validate(
        base_url=served.base_url,
        headers={"Authorization": f"Bearer {served.master_token}"},
    )
