"""Secrets by reference (`env:NAME`, `file:PATH`) and scrubbing secrets out of messages.

Input files need not hold credentials: any string value in `credentials` or `user_data` may be
`env:NAME` (the environment variable NAME) or `file:PATH` (the file's content without its final
newline; PATH relative to the input file's folder). `raw:` keeps the rest literally, for the rare
secret that really starts with `env:`, `file:` or `raw:`.

References are resolved at the moment they are needed (to validate in the plan, to send at
execution) and the resolved value is never stored in the plan, the journal or the report. The
`Scrubber` is the last line of defence: any message about a row (an error from Tray, a network
error) goes through it before it is shown or written, and every secret value of that row is
replaced by `***`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

MASK = "***"
ENV_PREFIX = "env:"
FILE_PREFIX = "file:"
RAW_PREFIX = "raw:"


class SecretReferenceError(Exception):
    """A reference could not be resolved; the message says why without the referenced content."""


def is_reference(value: object) -> bool:
    """True for a string value that refers to a secret instead of holding it."""
    return isinstance(value, str) and value.startswith((ENV_PREFIX, FILE_PREFIX))


def resolve_value(value: Any, base_dir: Path, environ: Mapping[str, str] | None = None) -> Any:
    """Resolve one value: references become their content, `raw:` is unwrapped, rest unchanged.

    Nested objects and lists are resolved recursively (a credentials field can be an object).
    Raises `SecretReferenceError` naming what is missing (the variable or the file), never a secret.
    """
    env = os.environ if environ is None else environ
    if isinstance(value, str):
        if value.startswith(RAW_PREFIX):
            return value[len(RAW_PREFIX) :]
        if value.startswith(ENV_PREFIX):
            name = value[len(ENV_PREFIX) :]
            if not name:
                raise SecretReferenceError("`env:` reference without a variable name")
            if name not in env:
                raise SecretReferenceError("the referenced environment variable is not set")
            return env[name]
        if value.startswith(FILE_PREFIX):
            raw_path = value[len(FILE_PREFIX) :]
            if not raw_path:
                raise SecretReferenceError("`file:` reference without a path")
            path = Path(raw_path).expanduser()
            if not path.is_absolute():
                path = base_dir / path
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise SecretReferenceError("the referenced file does not exist") from None
            except (OSError, UnicodeDecodeError):
                raise SecretReferenceError(
                    "the referenced file cannot be read as UTF-8 text"
                ) from None
            return text[:-1] if text.endswith("\n") else text
        return value
    if isinstance(value, Mapping):
        return {k: resolve_value(v, base_dir, env) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_value(v, base_dir, env) for v in value]
    return value


def iter_strings(value: Any) -> Iterator[str]:
    """Every string (and every scalar, as text) inside a JSON-like value."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from iter_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_strings(item)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, str):
        yield value
    else:
        yield str(value)


class Scrubber:
    """Replaces known secret values in text by `***`.

    Built from the resolved credentials and user data of one row. Short values (under 4
    characters) are ignored: masking every "1" or "us" in a message would make it unreadable,
    and such values are not credentials.
    """

    __slots__ = ("_secrets",)

    def __init__(self, values: Iterable[Any] = ()) -> None:
        found: set[str] = set()
        for value in values:
            found.update(s for s in iter_strings(value) if len(s) >= 4)
        # Longest first, so a secret containing another is masked whole.
        self._secrets = sorted(found, key=len, reverse=True)

    def __repr__(self) -> str:
        return f"Scrubber({len(self._secrets)} secrets)"

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text
