"""Regions and hosts: set together, from arguments or the environment; a token never leaves for a
host of another region, nor for a host that is not the client's."""

from __future__ import annotations

import httpx
import pytest

from tray_ext import AsyncTray, Tray
from tray_ext.config import resolve_hosts
from tray_ext.errors import ConfigurationError

from .scripted import MASTER, Scripted


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "TRAY_MASTER_TOKEN",
        "TRAY_REGION",
        "TRAY_API_URL",
        "TRAY_GRAPHQL_URL",
        "TRAY_DIALOG_URL",
        "TRAY_TRUSTED_HOSTS",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("region", "api", "graphql", "dialog"),
    [
        (None, "https://api.tray.io", "https://tray.io/graphql", "https://embedded.tray.io"),
        ("us", "https://api.tray.io", "https://tray.io/graphql", "https://embedded.tray.io"),
        (
            "eu1",
            "https://api.eu1.tray.io",
            "https://eu1.tray.io/graphql",
            "https://embedded.eu1.tray.io",
        ),
        (
            "ap1",
            "https://api.ap1.tray.io",
            "https://ap1.tray.io/graphql",
            "https://embedded.ap1.tray.io",
        ),
    ],
)
def test_a_region_sets_all_three_hosts(
    region: str | None, api: str, graphql: str, dialog: str
) -> None:
    tray = Tray(MASTER, region=region, load_entry_points=False)
    hosts = tray._core.config.hosts
    assert (hosts.api_url, hosts.graphql_url, hosts.dialog_url) == (api, graphql, dialog)
    assert tray.region == (region or "us")
    tray.close()


def test_the_environment_configures_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAY_MASTER_TOKEN", MASTER)
    monkeypatch.setenv("TRAY_REGION", "EU1")
    with Tray(load_entry_points=False) as tray:
        assert tray._core.config.hosts.api_url == "https://api.eu1.tray.io"
    monkeypatch.delenv("TRAY_REGION")
    monkeypatch.setenv("TRAY_API_URL", "http://127.0.0.1:8123/")
    with Tray(load_entry_points=False) as tray:
        hosts = tray._core.config.hosts
        assert hosts.graphql_url == "http://127.0.0.1:8123/graphql"
        assert hosts.dialog_url == "http://127.0.0.1:8123"
        assert tray.region is None


def test_one_api_url_implies_the_other() -> None:
    assert (
        resolve_hosts(
            region=None,
            api_url="https://api.eu1.tray.io",
            graphql_url=None,
            dialog_url=None,
            environ={},
        )[1].graphql_url
        == "https://eu1.tray.io/graphql"
    )
    assert (
        resolve_hosts(
            region=None, api_url=None, graphql_url="http://h:1/graphql", dialog_url=None, environ={}
        )[1].api_url
        == "http://h:1"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"region": "eu1", "api_url": "https://api.tray.io"},
        {"api_url": "https://api.eu1.tray.io", "graphql_url": "https://ap1.tray.io/graphql"},
        {"region": "mars"},
        {"api_url": "http://api.tray.io"},
        {"api_url": "api.tray.io"},
        {"deadline": 0},
        {"timeout": httpx.Timeout(None)},
    ],
)
def test_unsafe_or_wrong_settings_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        Tray(MASTER, load_entry_points=False, **kwargs)  # type: ignore[arg-type]


def test_a_client_needs_a_token_and_the_right_transport() -> None:
    with pytest.raises(ConfigurationError, match="no token"):
        Tray(load_entry_points=False)
    with pytest.raises(ConfigurationError, match="async"):
        AsyncTray(
            MASTER,
            transport=httpx.HTTPTransport(),  # type: ignore[arg-type]
            load_entry_points=False,
        )
    user_only = Tray(user_token="a-user-token-value", load_entry_points=False)
    with pytest.raises(ConfigurationError, match="master token"):
        user_only.users.find("x")
    with pytest.raises(ConfigurationError, match="master token"):
        list(user_only.as_user("u1").auths.list())
    user_only.close()


def test_a_token_is_never_sent_to_another_host() -> None:
    scripted = Scripted()
    with Tray(MASTER, transport=scripted.transport(), load_entry_points=False) as tray:
        http = tray._http
        with pytest.raises(ConfigurationError, match="refusing to send"):
            http.get("https://api.eu1.tray.io/core/v1/connectors")
        with pytest.raises(ConfigurationError, match="refusing to send"):
            http.get("https://evil.example/core/v1/connectors")
    assert scripted.requests == []


def test_the_client_repr_shows_no_token() -> None:
    tray = Tray("repr-master-token-value", load_entry_points=False)
    assert "repr-master-token-value" not in repr(tray)
    assert "acting_as='master'" in repr(tray)
    tray.close()


@pytest.mark.parametrize(
    ("kwargs", "environ", "named", "host"),
    [
        # A region asked for admits its own Tray hosts only: not another region's, not a stranger.
        (
            {"region": "eu1", "graphql_url": "https://collector.example/graphql"},
            {},
            "graphql_url (argument)",
            "collector.example",
        ),
        (
            {"region": "eu1", "dialog_url": "https://embedded.tray.io"},
            {},
            "dialog_url (argument)",
            "embedded.tray.io",
        ),
        ({"region": "eu1"}, {"TRAY_API_URL": "https://c.example"}, "$TRAY_API_URL", "c.example"),
        (
            {},
            {"TRAY_REGION": "eu1", "TRAY_DIALOG_URL": "https://x.example"},
            "$TRAY_DIALOG_URL",
            "x.example",
        ),
        # Even the emulator's loopback host needs listing once a region is asked for.
        (
            {"region": "eu1", "api_url": "http://127.0.0.1:8765"},
            {},
            "api_url (argument)",
            "127.0.0.1:8765",
        ),
        # With no region, a host that is neither Tray's nor loopback needs listing too.
        ({"api_url": "https://proxy.example"}, {}, "api_url (argument)", "proxy.example"),
        (
            {},
            {"TRAY_GRAPHQL_URL": "https://collector.example/graphql"},
            "graphql_url ($TRAY_GRAPHQL_URL)",
            "collector.example",
        ),
    ],
)
def test_a_token_goes_nowhere_outside_its_region_unless_the_host_is_listed(
    monkeypatch: pytest.MonkeyPatch,
    kwargs: dict[str, str],
    environ: dict[str, str],
    named: str,
    host: str,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as refused:
        Tray(MASTER, load_entry_points=False, **kwargs)  # type: ignore[arg-type]
    message = str(refused.value)
    assert named in message
    assert "trusted_hosts" in message
    assert "TRAY_TRUSTED_HOSTS" in message
    assert MASTER not in message

    # Listing the host is the explicit opt-in that makes the same settings work.
    listed: dict[str, object] = {**kwargs, "trusted_hosts": [host]}
    with Tray(MASTER, load_entry_points=False, **listed) as tray:  # type: ignore[arg-type]
        assert tray._core.config.hosts.api_url
    monkeypatch.setenv("TRAY_TRUSTED_HOSTS", f"other.example, {host.upper()}")
    with Tray(MASTER, load_entry_points=False, **kwargs) as tray:  # type: ignore[arg-type]
        assert tray._core.config.hosts.api_url


def test_the_emulator_on_this_machine_needs_no_listing_without_a_region() -> None:
    for url in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"):
        with Tray(MASTER, api_url=url, load_entry_points=False) as tray:
            assert tray.region is None


@pytest.mark.parametrize("entry", ["https://x.example", "x.example/path", "u@x.example", ":80"])
def test_a_malformed_trusted_host_is_refused_by_setting(entry: str) -> None:
    with pytest.raises(ConfigurationError, match="trusted_hosts: an entry is not a host"):
        Tray(MASTER, load_entry_points=False, trusted_hosts=[entry])
