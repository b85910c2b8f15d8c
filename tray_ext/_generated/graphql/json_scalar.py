"""The `Json` scalar: JSON text carried inside a GraphQL string.

Tray's `data`, `formData`, `input`, `output`, `customFields` and config values are JSON documents
serialised into strings ("must be in single line format, with quote characters escaped"). The
generated client takes and returns plain Python values and does the (de)serialisation here, so no
caller ever hand-escapes JSON. Copied into the generated package by scripts/generate.
"""

import json
from typing import Any

from .base_model import UNSET


def serialize_json(value: Any) -> Any:
    """A Python value -> one-line JSON text (None and UNSET pass through: an absent argument)."""
    if value is None or value is UNSET:
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def parse_json(value: Any) -> Any:
    """JSON text from Tray -> a Python value; a string that is not JSON text is kept as it is."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
