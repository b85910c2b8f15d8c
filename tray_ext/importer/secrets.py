"""Secrets by reference (`env:NAME`, `file:PATH`), confined, and scrubbing secrets out of messages.

Input files need not hold credentials: any string value in `credentials` or `user_data` may be
`env:NAME` (the environment variable NAME) or `file:PATH` (the file's content without its final
newline; PATH relative to the input file's folder). `raw:` keeps the rest literally, for the rare
secret that really starts with `env:`, `file:` or `raw:`.

Why confined: an import file is data, often written by someone other than whoever runs the import,
and what it references is sent to Tray as an *end user's* credentials, where that end user can read
it back. So a reference may not reach what the person running the import did not mean to hand out:

- `env:` reads only variables named with an allowed prefix (`TRAY_IMPORT_`) or listed explicitly
  (`ImportOptions.allow_env`, `tray-ext import --allow-env NAME`); never `TRAY_MASTER_TOKEN`,
  and never any variable or file whose content *is* the master token, whatever its name;
- `file:` reads only regular files below the folder of the input file: no absolute path, no `~`,
  no `..`, no symlink that leads out of it.

References are resolved at the moment they are needed (to validate in the plan, to send at
execution) and the resolved value is never stored in the plan, the journal or the report. The
`Scrubber` is the last line of defence: any message about a row (an error from Tray, a network
error) goes through it before it is shown or written, and every secret value of that row is
replaced by `***`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import Any

MASK = "***"
ENV_PREFIX = "env:"
FILE_PREFIX = "file:"
RAW_PREFIX = "raw:"
ALLOWED_ENV_PREFIXES = ("TRAY_IMPORT_",)
"""Variables an `env:` reference may read without being listed."""
MASTER_TOKEN_VARIABLE = "TRAY_MASTER_TOKEN"  # noqa: S105 (a variable name)
MAX_FILE_BYTES = 1 << 20
"""A referenced file larger than this is not a credential."""


class SecretReferenceError(Exception):
    """A reference could not be resolved; the message says why without the referenced content."""


class ConfinedEnviron(Mapping[str, str]):
    """The environment as `env:` references see it: allowed variables only, never the master token.

    Pass one as `environ=` to widen (or narrow) what references may read; a plain mapping is
    wrapped in the default confinement (`TRAY_IMPORT_*`, the master token refused).
    """

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        *,
        allow: Iterable[str] = (),
        prefixes: Iterable[str] = ALLOWED_ENV_PREFIXES,
        forbidden_values: Iterable[str] = (),
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._allow = frozenset(allow)
        self._prefixes = tuple(prefixes)
        master = self._environ.get(MASTER_TOKEN_VARIABLE)
        self.forbidden_values = frozenset(value for value in (*forbidden_values, master) if value)

    def check(self, name: str) -> None:
        """Raise SecretReferenceError unless `env:name` may be read."""
        if name == MASTER_TOKEN_VARIABLE:
            raise SecretReferenceError(
                f"env:{name} is the master token: it is never copied into an end user's auth"
            )
        if name not in self._allow and not name.startswith(self._prefixes):
            allowed = " or ".join(f"{prefix}*" for prefix in self._prefixes) or "none"
            raise SecretReferenceError(
                f"env:{name} is not allowed: references may read variables named {allowed}, or "
                "ones listed with --allow-env (ImportOptions.allow_env)"
            )

    def __getitem__(self, name: str) -> str:
        self.check(name)
        return self._environ[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._environ

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._environ if self._readable(name))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _readable(self, name: str) -> bool:
        try:
            self.check(name)
        except SecretReferenceError:
            return False
        return True

    def __repr__(self) -> str:
        return f"ConfinedEnviron(allow={sorted(self._allow)!r}, prefixes={self._prefixes!r})"


def is_reference(value: object) -> bool:
    """True for a string value that refers to a secret instead of holding it."""
    return isinstance(value, str) and value.startswith((ENV_PREFIX, FILE_PREFIX))


def _confined(environ: Mapping[str, str] | None) -> ConfinedEnviron:
    if isinstance(environ, ConfinedEnviron):
        return environ
    return ConfinedEnviron(environ)


def _read_below(raw_path: str, base_dir: Path) -> str:
    """The text of a regular file below `base_dir`, reached without leaving it."""
    parts = PurePath(raw_path).parts
    if PurePath(raw_path).is_absolute() or raw_path.startswith("~") or ".." in parts:
        raise SecretReferenceError(
            "file: references must be relative paths below the input file's folder "
            "(no absolute path, no ~, no ..)"
        )
    base = base_dir.resolve()
    try:
        real = (base / raw_path).resolve(strict=True)
    except FileNotFoundError:
        raise SecretReferenceError("the referenced file does not exist") from None
    except (OSError, RuntimeError):
        raise SecretReferenceError("the referenced file cannot be read") from None
    if not real.is_relative_to(base):
        raise SecretReferenceError(
            "the referenced file leads out of the input file's folder (through a symlink)"
        )
    try:
        info = real.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SecretReferenceError("the referenced path is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise SecretReferenceError(
                f"the referenced file is larger than {MAX_FILE_BYTES} bytes: not a credential"
            )
        text = real.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise SecretReferenceError("the referenced file cannot be read as UTF-8 text") from None
    return text[:-1] if text.endswith("\n") else text


def resolve_value(value: Any, base_dir: Path, environ: Mapping[str, str] | None = None) -> Any:
    """Resolve one value: references become their content, `raw:` is unwrapped, rest unchanged.

    Nested objects and lists are resolved recursively (a credentials field can be an object).
    Raises `SecretReferenceError` naming what is missing or not allowed (the variable or the
    file), never a secret. `environ` is confined (see `ConfinedEnviron`) unless it is one already.
    """
    env = _confined(environ)
    if isinstance(value, str):
        if value.startswith(RAW_PREFIX):
            return value[len(RAW_PREFIX) :]
        if value.startswith(ENV_PREFIX):
            name = value[len(ENV_PREFIX) :]
            if not name:
                raise SecretReferenceError("`env:` reference without a variable name")
            env.check(name)
            if name not in env:
                raise SecretReferenceError(
                    f"the referenced environment variable is not set ({name})"
                )
            resolved = env[name]
        elif value.startswith(FILE_PREFIX):
            raw_path = value[len(FILE_PREFIX) :]
            if not raw_path:
                raise SecretReferenceError("`file:` reference without a path")
            resolved = _read_below(raw_path, base_dir)
        else:
            return value
        if resolved in env.forbidden_values:
            raise SecretReferenceError(
                "the reference holds the master token: it is never copied into an end user's auth"
            )
        return resolved
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
