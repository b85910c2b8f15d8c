"""Keeping secrets out of every output: the secrets registry, scrubbing, allow-lists, a log filter.

Why two mechanisms: an *allow-list* decides what we print ourselves (headers and query parameters
not known to be harmless print as `[REDACTED]`, bodies never print), and a *registry* of exact
secret strings seen on the way (tokens, authorization codes, credentials values, ...) scrubs free
text we do not control: Tray's error messages (which may echo input), httpx/httpcore log records,
exception text. The registry is process-wide because log records are: a logging.Filter cannot know
which client a record came from.

This module is the core of redaction and cannot be switched off; the `redaction` built-in plugin
decides *what* to register and installs the log filter.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
import traceback
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

__all__ = [
    "LIBRARY_LOGGERS",
    "MASK",
    "REGISTRY",
    "TRANSPORT_LOGGERS",
    "RedactingFilter",
    "SecretRegistry",
    "install_log_filter",
    "looks_secret",
    "register_leaves",
    "safe_headers",
    "safe_url",
    "scrub",
    "secret_text",
    "spellings",
]

MASK = "[REDACTED]"

# Loggers whose records pass through the filter. A logging.Filter on a logger only sees records
# created on that very logger (not its children), so every concrete name is listed.
LIBRARY_LOGGERS = (
    "tray_ext",
    "tray_ext.pipeline",
    "tray_ext.audit",
    "tray_ext.tokens",
    "tray_ext.plugins",
)
TRANSPORT_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)

# Headers whose values are harmless to print (lower case). Everything else prints as MASK.
SAFE_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "cache-control",
        "connection",
        "content-encoding",
        "content-length",
        "content-type",
        "date",
        "etag",
        "host",
        "retry-after",
        "retry-after-ms",
        "server",
        "traceparent",
        "transfer-encoding",
        "user-agent",
        "via",
        "x-request-id",
    }
)
# Query parameters whose values are harmless to print. Everything else (e.g. `code=`) is masked.
SAFE_QUERY_PARAMS = frozenset({"forceRefresh", "serviceId", "serviceEnvironmentId"})

_SECRET_KEY = re.compile(
    r"token|secret|passw|pwd|passphrase|apikey|privatekey|accesskey|credential|signature"
    r"|cookie|session|authorization|authcode|key$|^auth$|^code$|^data$|^formdata$"
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")

_MASKED_JSON_KEYS = (
    r"(?:access_?token|authorization_?code|token|refresh_?token|client_?secret|password|secret"
    r"|api_?key|data|form_?data)"
)
# Free-text shapes that carry secrets whether or not we have seen the value before.
_PATTERNS = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/=:]+"), r"\1 " + MASK),
    (
        re.compile(
            r"(?i)([?&](?:code|token|access_token|accesstoken|api_?key|key|secret|password"
            r"|signature|sig)=)[^&#\s\"'<>]*"
        ),
        r"\1" + MASK,
    ),
    (  # "key": "value" in JSON text
        re.compile(rf'(?i)("{_MASKED_JSON_KEYS}"\s*:\s*)"(?:[^"\\]|\\.)*"'),
        r'\1"' + MASK + '"',
    ),
    (  # \"key\": \"value\" in JSON text inside a JSON string
        re.compile(rf'(?i)(\\"{_MASKED_JSON_KEYS}\\"\s*:\s*)\\"(?:[^"\\]|\\[^"])*\\"'),
        r"\1\"" + MASK + r"\"",
    ),
)

# Every pattern above needs one of these characters (or "bearer"/"basic" and a space).
_PATTERN_TRIGGER = re.compile(r'[\s="]')


def looks_secret(key: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether a field name suggests a secret value (token, secret, password, api key, ...)."""
    normalised = _NOT_ALNUM.sub("", key.lower())
    return normalised in extra or _SECRET_KEY.search(normalised) is not None


def secret_text(value: object) -> str | None:
    """The text a value is written as on the wire, or None when it cannot be a secret.

    Numbers are secrets too (a PIN sent as `7123` is as secret as `"7123"`); booleans and null
    carry one bit and print as words every message uses, so they are never registered.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return None


def _escaped(text: str) -> set[str]:
    """How JSON writes `text` inside a string: with and without `ensure_ascii` (httpx sends the
    latter, the stdlib's default is the former)."""
    return {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}


def spellings(secret: str) -> set[str]:
    """Every way `secret` can appear in text the library handles.

    As is; escaped once (a JSON body) and twice (a GraphQL `data` variable is JSON text inside a
    JSON body, and a Tray that echoes that body into its error message escapes it again), in both
    JSON styles; as Python's repr writes it (a `KeyError(secret)` prints its repr), of the text
    and of its UTF-8 bytes (httpcore logs bytes); URL-encoded; HTML-escaped (an error page).
    """
    once = _escaped(secret)
    twice = {spelled for text in once for spelled in _escaped(text)}
    texts = {secret, *once, *twice, repr(secret)[1:-1]}
    # Bytes as Python prints them (httpcore logs headers and reasons as bytes).
    as_bytes = {repr(text.encode("utf-8", "backslashreplace"))[2:-1] for text in texts}
    return {
        *texts,
        *as_bytes,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        html.escape(secret),
    }


class SecretRegistry:
    """Exact secret strings to scrub from free text.

    Bounded: the most recent `capacity` secrets plus pinned ones (the master token, tokens passed
    in by the caller) are kept. Strings shorter than MIN_LENGTH are not registered: masking every
    "us" or "42" in every message would make messages useless and protects nothing.

    Scrubbing costs O(len(text)) however many secrets are registered: past a few dozen secrets,
    candidates are found through an index of their first MIN_LENGTH characters (kept up to date on
    every add and eviction) instead of searching for each secret in turn.
    """

    MIN_LENGTH = 4
    _LINEAR_LIMIT = 48

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._pinned: dict[str, None] = {}
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._by_prefix: dict[str, str | set[str]] = {}
        self._size = 0
        self._snapshot: tuple[str, ...] | None = ()

    def _index(self, secret: str) -> None:
        # A prefix almost always belongs to one secret: it is stored bare, and a set (216 bytes
        # even for one element) only when two secrets share it. At capacity that halves the
        # registry's memory, which a 100,000-row import reaches.
        prefix = secret[: self.MIN_LENGTH]
        bucket = self._by_prefix.get(prefix)
        if bucket is None:
            self._by_prefix[prefix] = secret
        elif isinstance(bucket, str):
            if bucket != secret:
                self._by_prefix[prefix] = {bucket, secret}
        else:
            bucket.add(secret)

    def _unindex(self, secret: str) -> None:
        prefix = secret[: self.MIN_LENGTH]
        bucket = self._by_prefix.get(prefix)
        if bucket is None:
            return
        if isinstance(bucket, str):
            if bucket == secret:
                del self._by_prefix[prefix]
            return
        bucket.discard(secret)
        if len(bucket) == 1:
            self._by_prefix[prefix] = next(iter(bucket))
        elif not bucket:
            del self._by_prefix[prefix]

    def add(self, value: object, *, pin: bool = False) -> None:
        """Register a secret (a string or a number) in every spelling it can take (`spellings`)."""
        text = secret_text(value)
        if text is None or len(text) < self.MIN_LENGTH:
            return
        variants = spellings(text)
        with self._lock:
            for variant in variants:
                if len(variant) < self.MIN_LENGTH or variant in self._pinned:
                    continue
                if pin:
                    self._recent.pop(variant, None)
                    self._pinned[variant] = None
                elif variant in self._recent:
                    self._recent.move_to_end(variant)
                    continue
                else:
                    self._recent[variant] = None
                self._index(variant)
            while len(self._recent) > self._capacity:
                evicted, _ = self._recent.popitem(last=False)
                self._unindex(evicted)
            self._size = len(self._pinned) + len(self._recent)
            self._snapshot = None

    def _secrets(self) -> tuple[str, ...]:
        snapshot = self._snapshot
        if snapshot is None:
            with self._lock:
                # Longest first, so a secret that contains another is masked whole.
                snapshot = tuple(sorted({*self._pinned, *self._recent}, key=len, reverse=True))
                self._snapshot = snapshot
        return snapshot

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and (value in self._pinned or value in self._recent)

    def __len__(self) -> int:
        return self._size

    def _found(self, text: str) -> list[str]:
        if self._size <= self._LINEAR_LIMIT:
            return [secret for secret in self._secrets() if secret in text]
        width = self.MIN_LENGTH
        index = self._by_prefix
        found: set[str] = set()
        for start in range(len(text) - width + 1):
            bucket = index.get(text[start : start + width])
            if bucket is None:
                continue
            if isinstance(bucket, str):
                if text.startswith(bucket, start):
                    found.add(bucket)
            else:
                found.update(s for s in tuple(bucket) if text.startswith(s, start))
        return sorted(found, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """`text` with every registered secret and every secret-shaped fragment masked."""
        if self._size:
            for secret in self._found(text):
                text = text.replace(secret, MASK)
        if _PATTERN_TRIGGER.search(text):  # ids and names cannot match a pattern: skip them
            for pattern, replacement in _PATTERNS:
                text = pattern.sub(replacement, text)
        return text

    def __repr__(self) -> str:
        return f"SecretRegistry(size={len(self)})"


# Large enough for every secret of the calls in flight in a bulk import at high concurrency (64
# calls of a few secrets, up to ~10 spellings each: ~2,000) with room to spare, and for one call
# carrying over a thousand secret leaves; the least recently used go first. Bounded because a
# long import registers secrets for ever: 8,192 spellings are ~2 MB, reached after a few thousand
# rows, so a 100,000-row import needs no more memory than a 10,000-row one (benchmarks section 4).
REGISTRY = SecretRegistry(capacity=8192)


def scrub(text: str) -> str:
    """Mask secrets in free text (exception messages, log lines, audit fields)."""
    return REGISTRY.scrub(text)


def register_leaves(
    value: Any,
    *,
    all_values: bool,
    extra_keys: frozenset[str] = frozenset(),
    limit: int | None = 512,
) -> None:
    """Register the leaves (strings and numbers, at any depth) of a JSON-like value.

    `all_values=True` registers every leaf (credentials, userData, a connector's input);
    otherwise only those under a secret-looking key or one of `extra_keys`. `limit` bounds the
    leaves registered, for callers that prefer a bound to completeness; the library's own
    callers (tray_ext.wire_secrets) pass None: a secret must not escape for coming late in a
    large object.
    """
    stack: list[tuple[Any, bool]] = [(value, all_values)]
    left = limit
    while stack and (left is None or left > 0):
        item, secret = stack.pop()
        if isinstance(item, Mapping):
            for key, child in item.items():
                stack.append((child, secret or looks_secret(str(key), extra_keys)))
        elif isinstance(item, list | tuple):
            stack.extend((child, secret) for child in item)
        elif secret:
            REGISTRY.add(item)
            if left is not None:
                left -= 1


def safe_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers for a log line: allow-listed values as they are, everything else masked."""
    return {name: value if name.lower() in SAFE_HEADERS else MASK for name, value in headers}


def safe_url(url: Any) -> str:
    """A URL for a log line: query values masked unless allow-listed (e.g. `code=` never prints)."""
    text = str(url)
    base, _, query = text.partition("?")
    if not query:
        return text
    parts = []
    for pair in query.split("&"):
        name, sep, _value = pair.partition("=")
        parts.append(pair if name in SAFE_QUERY_PARAMS else f"{name}{sep}{MASK}")
    return f"{base}?{'&'.join(parts)}"


class RedactingFilter(logging.Filter):
    """Scrubs every record of the loggers it is installed on (ours, httpx's, httpcore's).

    The message is rendered once, scrubbed, and stored back without args, so handlers and
    formatters downstream only ever see the clean text; a traceback attached to the record is
    rendered and scrubbed too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: print its template only
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip())
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_FILTER = RedactingFilter()
_installed_lock = threading.Lock()


def install_log_filter(names: Iterable[str] = LIBRARY_LOGGERS + TRANSPORT_LOGGERS) -> None:
    """Attach the (single) redacting filter to each named logger; idempotent."""
    with _installed_lock:
        for name in names:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
