"""`TRAY_REDIS_URL` turns the Redis plugins on as built-ins; without it they are not there."""

from __future__ import annotations

import pytest
from redis_server import RedisServer

from tray_ext import Tray
from tray_ext.plugins.redis_rate_limit import RedisRateLimitPlugin
from tray_ext.plugins.redis_token_cache import RedisTokenCache

NAMES = ("tray_ext.redis_rate_limit", "tray_ext.redis_token_cache")


def _client(**kwargs: object) -> Tray:
    return Tray("fake-master", api_url="http://127.0.0.1:9", load_entry_points=False, **kwargs)


def test_without_the_url_the_redis_plugins_are_not_registered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRAY_REDIS_URL", raising=False)
    with _client() as tray:
        for name in NAMES:
            assert tray.plugin_manager.get_plugin(name) is None


def test_the_url_registers_both_and_they_answer_first(
    monkeypatch: pytest.MonkeyPatch, redis_server: RedisServer
) -> None:
    monkeypatch.setenv("TRAY_REDIS_URL", redis_server.url)
    with _client() as tray:
        assert isinstance(tray.plugin_manager.get_plugin(NAMES[0]), RedisRateLimitPlugin)
        cache = tray.plugin_manager.hook.tray_ext_token_cache(config=None)  # first answer
        assert isinstance(cache, RedisTokenCache)
    with _client(builtins={"redis_rate_limit": None}) as tray:
        assert tray.plugin_manager.get_plugin(NAMES[0]) is None
        assert tray.plugin_manager.get_plugin(NAMES[1]) is not None
