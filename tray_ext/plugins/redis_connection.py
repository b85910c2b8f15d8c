"""What the Redis plugins share: where Redis is, how to reach it, and how to say it is gone.

Why one module: the rate limit (`redis_rate_limit`) and the user-token cache
(`redis_token_cache`) read the same setting (`TRAY_REDIS_URL` or an argument), must fail the same
way (never a failed call: each falls back to its in-process twin), and must warn about an
unreachable Redis once per process, not once per call or per plugin.

The URL may carry a password (`redis://:secret@host:6379/0`): it is never logged; messages name
the host and port only.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tray_ext.errors import ConfigurationError

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "REDIS_URL_ENV",
    "Outage",
    "redis_configured",
    "redis_errors",
    "redis_url",
    "safe_location",
]

log = logging.getLogger("tray_ext.redis")

REDIS_URL_ENV = "TRAY_REDIS_URL"

SOCKET_TIMEOUT = 0.5
"""Seconds before a Redis request counts as failed: Redis answers in well under a millisecond
on a healthy network, and a hung Redis must turn into the local fallback quickly."""


def redis_configured() -> bool:
    """Whether `TRAY_REDIS_URL` names a Redis: the Redis built-ins are on by default only then."""
    return bool(os.environ.get(REDIS_URL_ENV, "").strip())


def redis_url(url: str | None) -> str:
    """The URL given, else `TRAY_REDIS_URL`; a clear error when neither is set."""
    value = url or os.environ.get(REDIS_URL_ENV, "").strip()
    if not value:
        raise ConfigurationError(
            f"no Redis URL: pass url= or set {REDIS_URL_ENV} (e.g. redis://127.0.0.1:6379/0)"
        )
    return value


def safe_location(url: str) -> str:
    """host:port of a Redis URL, without user, password or path (for log lines)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return "a unix socket"
    return f"{parts.hostname or '?'}:{parts.port or 6379}"


def import_redis() -> None:
    """Fail early and clearly when the extra is missing."""
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            "the Redis plugins need redis-py: pip install 'tray-ext[redis]'"
        ) from None


def sync_client(url: str) -> redis.Redis:
    import redis

    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=SOCKET_TIMEOUT,
        health_check_interval=0,
    )


def async_client(url: str) -> redis.asyncio.Redis:
    import redis.asyncio

    return redis.asyncio.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=SOCKET_TIMEOUT,
    )


def redis_errors() -> tuple[type[BaseException], ...]:
    """What "Redis cannot be used right now" looks like (connection, timeout, server errors)."""
    import redis

    return (redis.RedisError, OSError)


class Outage:
    """One warning per process when Redis becomes unreachable, an info line when it is back.

    Shared by every plugin instance of the process (class-level state): four clients in one
    process losing Redis together still print one warning.
    """

    _lock = threading.Lock()
    _warned = False

    def __init__(self, what: str, url: str) -> None:
        self._what = what
        self._where = safe_location(url)
        self.down = False

    def failed(self, error: BaseException) -> None:
        """Redis failed: fall back, and say so (once per process at warning level)."""
        if self.down:
            return
        self.down = True
        with Outage._lock:
            first = not Outage._warned
            Outage._warned = True
        (log.warning if first else log.info)(
            "Redis at %s is unreachable (%s); %s falls back to this process alone until it "
            "answers again",
            self._where,
            type(error).__name__,
            self._what,
        )

    def recovered(self) -> None:
        if self.down:
            self.down = False
            log.info("Redis at %s answers again; %s is shared again", self._where, self._what)

    @classmethod
    def reset_for_tests(cls) -> None:
        with cls._lock:
            cls._warned = False
