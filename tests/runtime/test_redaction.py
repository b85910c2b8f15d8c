"""Redaction: the registry, the log filter on httpx/httpcore and our loggers, allow-lists, the
keys teams add, and the secrets each operation registers."""

from __future__ import annotations

import json
import logging
import secrets

import httpx
import pytest

from tray_ext import Tray, hookimpl
from tray_ext.redaction import (
    MASK,
    REGISTRY,
    SecretRegistry,
    install_log_filter,
    looks_secret,
    safe_headers,
    safe_url,
    scrub,
)

from .scripted import AUTH_ID, MASTER, Scripted


def _secret() -> str:
    return f"s3cr3t-{secrets.token_hex(8)}"


def test_registered_secrets_and_their_spellings_are_masked() -> None:
    registry = SecretRegistry()
    secret = 'pa ss"wo/rd\\x'
    registry.add(secret)
    json_spelling = json.dumps(secret)[1:-1]
    text = f'raw {secret} json "{json_spelling}" url pa%20ss%22wo%2Frd%5Cx'
    scrubbed = registry.scrub(text)
    assert "pa ss" not in scrubbed
    assert "pa%20ss" not in scrubbed
    assert scrubbed.count(MASK) == 3


def test_short_values_are_not_registered_and_the_registry_is_bounded() -> None:
    registry = SecretRegistry(capacity=10)
    registry.add("us")
    registry.add(123)
    registry.add(True)
    assert len(registry) == 0
    registry.add(12345)  # a number long enough to be a PIN is a secret like any string
    assert "12345" in registry
    registry = SecretRegistry(capacity=10)
    pinned = _secret()
    registry.add(pinned, pin=True)
    for number in range(100):
        registry.add(f"value-{number:04d}")
    assert pinned in registry
    assert "value-0099" in registry
    assert "value-0000" not in registry
    assert registry.scrub(f"{pinned} value-0099 value-0000") == f"{MASK} {MASK} value-0000"


def test_the_prefix_index_survives_shared_prefixes_and_evictions() -> None:
    """Past the linear limit secrets are found through an index of their first characters; a
    prefix held by one secret, then two, then one again after an eviction, still finds it."""
    registry = SecretRegistry(capacity=100)
    for number in range(60):
        registry.add(f"{number:02d}zz-{secrets.token_hex(6)}")  # 60 distinct prefixes
    first, second = "abcd-first-secret", "abcd-second-secret"
    registry.add(first)
    registry.add(second)
    assert registry.scrub(f"{first} {second}") == f"{MASK} {MASK}"
    for number in range(99):  # evicts `first`, then `second`
        registry.add(f"k{number:03d}-{secrets.token_hex(6)}")
        if first not in registry:
            assert registry.scrub(f"{first} {second}") == f"{first} {MASK}"
            break
    else:
        pytest.fail("first was never evicted")
    for number in range(100, 200):
        registry.add(f"k{number:03d}-{secrets.token_hex(6)}")
    assert second not in registry
    assert registry.scrub(second) == second
    registry.add(second)
    assert registry.scrub(second) == MASK


def test_scrubbing_with_many_secrets_finds_each_of_them() -> None:
    registry = SecretRegistry()
    values = [f"tok{n:05d}-{secrets.token_hex(4)}" for n in range(2000)]
    for value in values:
        registry.add(value)
    text = " | ".join(values[::97]) + " tok99999 plain"
    scrubbed = registry.scrub(text)
    assert all(value not in scrubbed for value in values)
    assert "tok99999 plain" in scrubbed


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
        ("https://x/y?code=one-time-code&serviceId=s", "one-time-code"),
        ('{"accessToken": "tok-value", "other": 1}', "tok-value"),
        ('{"data": "{\\"api_key\\":\\"k\\"}"}', "api_key"),
    ],
)
def test_secret_shapes_are_masked_without_being_registered(text: str, hidden: str) -> None:
    assert hidden not in scrub(text)


def test_keys_that_look_secret() -> None:
    for key in (
        "token",
        "access_token",
        "apiKey",
        "signing_secret",
        "Password",
        "private-key",
        "client_secret",
        "auth",
        "x-api-key",
    ):
        assert looks_secret(key), key
    for key in ("region", "subdomain", "name", "base_url", "monkey_business"):
        assert not looks_secret(key), key
    assert looks_secret("tenant_pin", frozenset({"tenantpin"}))


def test_allow_lists_for_what_we_print_ourselves() -> None:
    headers = safe_headers(
        [("Authorization", "Bearer x"), ("Content-Type", "json"), ("X-Custom", "v")]
    )
    assert headers == {"Authorization": MASK, "Content-Type": "json", "X-Custom": MASK}
    url = safe_url(httpx.URL("https://e/x/auth?code=abc&serviceId=s&scopes[]=a"))
    assert url == f"https://e/x/auth?code={MASK}&serviceId=s&scopes[]={MASK}"


@pytest.mark.parametrize("name", ["httpx", "httpcore.http11", "httpcore.connection", "tray_ext"])
def test_the_filter_scrubs_transport_and_library_records(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = _secret()
    REGISTRY.add(secret)
    install_log_filter()
    with caplog.at_level(logging.DEBUG):
        logging.getLogger(name).debug("sending %s", secret)
        try:
            raise ValueError(secret)
        except ValueError:
            logging.getLogger(name).exception("failed")
    text = caplog.text
    assert secret not in text
    assert MASK in text
    assert all(secret not in str(r.args) and secret not in r.getMessage() for r in caplog.records)


def test_a_team_adds_sensitive_keys_through_the_hook() -> None:
    class TeamKeys:
        @hookimpl
        def tray_ext_sensitive_keys(self, config: object) -> list[str]:
            return ["tenant_pin"]

    secret, harmless = _secret(), f"eu-{secrets.token_hex(4)}"
    scripted = Scripted()
    with Tray(
        MASTER, transport=scripted.transport(), plugins=[TeamKeys()], load_entry_points=False
    ) as tray:
        from tray_ext.models import ServiceEnvironment

        env = ServiceEnvironment("e", "Production", "token", {}, {}, [], None)
        tray.as_user("u1").auths.create(
            env,
            name="a",
            credentials={"k": "v-value"},
            user_data={"tenant_pin": secret, "region": harmless},
        )
    assert secret in REGISTRY
    assert "v-value" in REGISTRY
    assert harmless in REGISTRY  # every userData value is sent as a secret, whatever its key

    # A team's key names also count where the contract marks nothing secret: in an answer.
    elsewhere = _secret()
    answer = {"id": AUTH_ID, "name": "a", "serviceEnvironmentId": "e", "tenantPin": elsewhere}
    scripted = Scripted()
    scripted.then("getUserAuthentication", httpx.Response(200, json=answer))
    with Tray(
        MASTER, transport=scripted.transport(), plugins=[TeamKeys()], load_entry_points=False
    ) as tray:
        tray.as_user("u1").auths.get(AUTH_ID)
    assert elsewhere in REGISTRY


def test_removing_the_redaction_plugin_keeps_the_core_redaction() -> None:
    scripted = Scripted()
    with Tray(
        _secret(),
        transport=scripted.transport(),
        builtins={"redaction": None},
        load_entry_points=False,
    ) as tray:
        token = tray.users.mint_token("u1")
    assert token.reveal() in REGISTRY  # minted tokens are registered by the core
