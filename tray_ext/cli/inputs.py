"""Reading credentials and user data for `auths create/update` without secrets in argv.

Secrets come from a JSON file (or stdin) or as `FIELD=env:NAME` / `FIELD=file:PATH` references;
a literal secret on the command line is refused, because argv ends up in shell history and in
`ps` output. References are resolved with the importer's resolver and its confinement, so both
behave the same; a variable named on the command line counts as allowed (the operator typed it),
one named inside a JSON file does not.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tray_ext.cli.errors import CliError
from tray_ext.importer import (
    ENV_PREFIX,
    ConfinedEnviron,
    SecretReferenceError,
    is_reference,
    resolve_value,
)


def secret_object(
    path: Path | None,
    pairs: Sequence[str],
    *,
    what: str,
    literals_allowed: bool = False,
) -> dict[str, Any]:
    """Merge a JSON object file and FIELD=VALUE pairs; resolve references."""
    result: dict[str, Any] = {}
    typed: set[str] = set()  # variables named on the command line: the operator's own choice
    base = Path.cwd()
    if path is not None:
        if str(path) == "-":
            text = sys.stdin.read()
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise CliError(f"cannot read the {what} file {path} ({exc.strerror})") from None
            base = path.resolve().parent
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CliError(
                f"the {what} file is not valid JSON: {exc.msg} at line {exc.lineno} "
                f"column {exc.colno}"
            ) from None
        if not isinstance(loaded, dict):
            raise CliError(f"the {what} file must hold a JSON object")
        result.update(loaded)
    for pair in pairs:
        field, sep, value = pair.partition("=")
        if not sep or not field:
            raise CliError(f"expected FIELD=VALUE for {what} (got a value without '=')")
        if not literals_allowed and not is_reference(value):
            raise CliError(
                f"{what} field {field!r}: pass secrets by reference (env:NAME or file:PATH) or "
                "in a file, never literally on the command line"
            )
        result[field] = value
        if value.startswith(ENV_PREFIX):
            typed.add(value[len(ENV_PREFIX) :])
    try:
        resolved = resolve_value(result, base, ConfinedEnviron(allow=typed))
    except SecretReferenceError as exc:
        raise CliError(f"{what}: {exc}") from None
    assert isinstance(resolved, dict)
    return resolved


def literal_fields(pairs: Sequence[str]) -> set[str]:
    """The fields of FIELD=VALUE pairs given literally (not as env:/file: references).

    User data may be literal on the command line, except a field its environment's schema marks
    `format: password` (or whose name says secret): the caller checks that once the environment
    is known (`refuse_secret_literals`).
    """
    return {
        field
        for field, sep, value in (pair.partition("=") for pair in pairs)
        if sep and not is_reference(value)
    }


def refuse_secret_literals(fields: set[str], password_fields: frozenset[str]) -> None:
    """A secret typed on the command line ends up in shell history and `ps`: refuse it."""
    from tray_ext.redaction import looks_secret

    secret = sorted(f for f in fields if f in password_fields or looks_secret(f))
    if secret:
        raise CliError(
            f"user data field {secret[0]!r} is a secret (format: password in its environment's "
            "schema, or a secret name): pass it by reference (FIELD=env:NAME or FIELD=file:PATH) "
            "or in --user-data-file, never literally on the command line",
            exit_code=2,
        )
