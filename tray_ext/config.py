"""Where a client talks to and with which settings: regions, hosts, environment variables.

Why one resolver: Tray's three regions each have a REST host, a GraphQL host and a dialog host,
and tokens are per region. Resolving all three together (and refusing a mix of two regions) is
what keeps a token from ever leaving for a host of another region.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs
import httpx

from tray_ext.clock import Clock, SystemClock
from tray_ext.errors import ConfigurationError

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "REGIONS",
    "ClientConfig",
    "Hosts",
    "check_token_hosts",
    "region_of_host",
    "resolve_hosts",
    "trusted_hosts",
]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""Per attempt: 30 s to read, 5 s to connect. Tray answers in well under a second."""
DEFAULT_DEADLINE = 120.0
"""Per call, retries and backoff included."""
DEFAULT_MAX_RETRIES = 3
"""Retries after 5xx, timeouts and connection errors (rate-limit retries are counted apart)."""


@attrs.frozen
class Hosts:
    """The three base URLs of one Tray region (or of an emulator)."""

    api_url: str
    graphql_url: str
    dialog_url: str


REGIONS: Mapping[str, Hosts] = {
    "us": Hosts("https://api.tray.io", "https://tray.io/graphql", "https://embedded.tray.io"),
    "eu1": Hosts(
        "https://api.eu1.tray.io", "https://eu1.tray.io/graphql", "https://embedded.eu1.tray.io"
    ),
    "ap1": Hosts(
        "https://api.ap1.tray.io", "https://ap1.tray.io/graphql", "https://embedded.ap1.tray.io"
    ),
}


def region_of_host(host: str) -> str | None:
    """The Tray region a host belongs to, or None for a host that is not Tray's (an emulator)."""
    host = host.lower().rstrip(".")
    if host != "tray.io" and not host.endswith(".tray.io"):
        return None
    labels = host.split(".")
    for region in ("eu1", "ap1"):
        if region in labels:
            return region
    return "us"


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _clean(url: str) -> str:
    if "://" not in url:
        raise ConfigurationError(
            f"not an absolute URL: {url!r} (expected e.g. https://api.tray.io)"
        )
    return url.rstrip("/")


def resolve_hosts(
    *,
    region: str | None,
    api_url: str | None,
    graphql_url: str | None,
    dialog_url: str | None,
    environ: Mapping[str, str] = os.environ,
) -> tuple[str | None, Hosts]:
    """Arguments first, then TRAY_REGION / TRAY_API_URL / TRAY_GRAPHQL_URL / TRAY_DIALOG_URL.

    Returns the region (None when both APIs point at non-Tray hosts, e.g. an emulator) and hosts.
    Raises ConfigurationError for an unknown region or for hosts of two different regions.
    """
    region = region or environ.get("TRAY_REGION") or None
    api_url = api_url or environ.get("TRAY_API_URL") or None
    graphql_url = graphql_url or environ.get("TRAY_GRAPHQL_URL") or None
    dialog_url = dialog_url or environ.get("TRAY_DIALOG_URL") or None
    if region is not None:
        region = region.strip().lower()
        if region not in REGIONS:
            raise ConfigurationError(
                f"unknown region {region!r}: use one of {', '.join(sorted(REGIONS))}"
            )
    api_url = _clean(api_url) if api_url else None
    graphql_url = _clean(graphql_url) if graphql_url else None

    # A URL on a Tray host implies its region; all of them must agree.
    implied = {
        name: region_of_host(_host(url))
        for name, url in (("api_url", api_url), ("graphql_url", graphql_url))
        if url
    }
    tray_regions = {r for r in implied.values() if r is not None}
    if region is not None:
        tray_regions.add(region)
    if len(tray_regions) > 1:
        where = ", ".join(f"{name} -> {r or 'not a Tray host'}" for name, r in implied.items())
        raise ConfigurationError(
            f"hosts of different Tray regions ({where}; region={region}): a token is valid in one "
            "region only and is never sent to another"
        )
    effective = next(iter(tray_regions), None)
    defaults = REGIONS[effective or "us"]

    if api_url is None and graphql_url is None:
        effective = effective or "us"
        api_url, graphql_url = defaults.api_url, defaults.graphql_url
    elif api_url is None:
        assert graphql_url is not None
        api_url = defaults.api_url if effective else graphql_url.removesuffix("/graphql")
    elif graphql_url is None:
        graphql_url = defaults.graphql_url if effective else f"{api_url}/graphql"
    if dialog_url:
        dialog = _clean(dialog_url)
    elif effective:
        dialog = defaults.dialog_url
    else:  # not Tray's hosts (an emulator): its dialogs are served where its REST API is
        parts = urlsplit(api_url)
        dialog = f"{parts.scheme}://{parts.netloc}"
    return effective, Hosts(api_url, graphql_url, dialog)


def trusted_hosts(
    given: Iterable[str] | None, environ: Mapping[str, str] = os.environ
) -> frozenset[str]:
    """Hosts a caller opted in to send tokens to: `trusted_hosts=` plus TRAY_TRUSTED_HOSTS.

    Each entry is `host` (any port) or `host:port`, lower case, no scheme or path.
    """
    entries = [(entry, "trusted_hosts") for entry in given or ()]
    entries += [
        (entry, "TRAY_TRUSTED_HOSTS")
        for entry in environ.get("TRAY_TRUSTED_HOSTS", "").split(",")
        if entry.strip()
    ]
    found = set()
    for entry, setting in entries:
        text = str(entry).strip().lower().rstrip(".")
        parts = urlsplit(f"//{text}")
        try:
            port = parts.port
        except ValueError:
            port = -1
        if not text or "/" in text or "@" in text or not parts.hostname or port == -1:
            raise ConfigurationError(
                f"{setting}: an entry is not a host or host:port (e.g. 127.0.0.1:8765 or "
                "tray-proxy.internal)"
            )
        found.add(text)
    return frozenset(found)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_token_hosts(
    hosts: Hosts,
    *,
    region: str | None,
    region_set: bool,
    trusted: frozenset[str],
    sources: Mapping[str, str],
) -> None:
    """Refuse, at construction, every host a token or a dialog code would go to unasked.

    A host is acceptable when it is a Tray host of the client's region, or the caller listed it
    (`trusted_hosts=` / TRAY_TRUSTED_HOSTS: an emulator, a proxy), or it is a loopback host and no
    region was asked for (the emulator on this machine: nothing leaves it). A region that was
    asked for (argument or TRAY_REGION) admits its own hosts and the listed ones only.
    """
    named = (
        ("api_url", hosts.api_url),
        ("graphql_url", hosts.graphql_url),
        ("dialog_url", hosts.dialog_url),
    )
    # The settings someone gave first: an error names what to change, not what was derived.
    for name, url in sorted(named, key=lambda item: item[0] not in sources):
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        where = f"{host}:{parts.port}" if parts.port else host
        if host in trusted or where in trusted:
            continue
        host_region = region_of_host(host)
        if host_region is not None and region in (None, host_region):
            continue
        if host_region is None and not region_set and _is_loopback(host):
            continue
        source = sources.get(name, "derived from the other URLs")
        what = (
            f"a Tray host of region {host_region}" if host_region is not None else "not a Tray host"
        )
        wanted = f"region {region}" if region else "the client"
        raise ConfigurationError(
            f"{name} ({source}) points at {where}, which is {what}; {wanted} sends its token "
            f"only to its own Tray hosts. To send it to {where} on purpose (an emulator, a "
            "proxy), list it in trusted_hosts= or TRAY_TRUSTED_HOSTS"
        )


def _check_https(url: str) -> None:
    parts = urlsplit(url)
    if region_of_host(parts.hostname or "") is not None and parts.scheme != "https":
        raise ConfigurationError(f"Tray hosts are HTTPS only; refusing to send a token to {url}")


@attrs.frozen(kw_only=True)
class ClientConfig:
    """Everything a client was built with, as plugins see it (`tray_ext_configure`).

    No token is ever part of the config: plugins never need one.
    """

    region: str | None
    hosts: Hosts
    timeout: httpx.Timeout
    deadline: float
    max_retries: int
    rate_limit: float | None
    burst: int
    audit_file: Path | None
    tracing: bool
    is_async: bool
    clock: Clock = attrs.field(factory=SystemClock)
    hook: pluggy.HookRelay | None = attrs.field(default=None, eq=False, repr=False)
    """The client's hook relay, for plugins that fire hooks of their own (e.g. audit sinks)."""
    extra: Mapping[str, Any] = attrs.field(factory=dict)
    """Free-form options for third-party plugins."""

    @property
    def allowed_origins(self) -> frozenset[tuple[str, str, int | None]]:
        """(scheme, host, port) of the hosts a token may be sent to."""
        origins = set()
        for url in (self.hosts.api_url, self.hosts.graphql_url):
            parts = urlsplit(url)
            origins.add((parts.scheme, (parts.hostname or "").lower(), parts.port))
        return frozenset(origins)

    def check(self) -> None:
        """Refuse settings that would send a token somewhere unsafe."""
        _check_https(self.hosts.api_url)
        _check_https(self.hosts.graphql_url)
        if self.deadline <= 0:
            raise ConfigurationError("deadline must be positive (seconds per call)")
        if self.max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        if self.rate_limit is not None and (self.rate_limit <= 0 or self.burst < 1):
            raise ConfigurationError("rate_limit must be positive (or None) and burst at least 1")


def as_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    """A number means 'this many seconds to read/write/pool' with a 5 s connect timeout."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        if None in (value.connect, value.read, value.write, value.pool):
            raise ConfigurationError("every timeout must be set: no unbounded waits")
        return value
    if value <= 0:
        raise ConfigurationError("timeout must be positive")
    return httpx.Timeout(float(value), connect=min(5.0, float(value)))
