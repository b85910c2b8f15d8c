"""The Redis rate limit: one bucket for every process, AIMD on 429s, the local fallback.

No timing assertions: the tests compare the *moments the bucket hands out* (due times computed
from Redis's arithmetic), never how long anything took.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from redis_server import RedisServer, free_port

from tray_ext import Tray
from tray_ext.calls import AttemptKind
from tray_ext.plugins.rate_limit import TokenBucket
from tray_ext.plugins.redis_rate_limit import (
    BACKOFF_SCRIPT,
    LOOKAHEAD,
    RESERVE_SCRIPT,
    STALE,
    RedisRateLimitPlugin,
)


def _call(actor: str = "master", user_id: str | None = None) -> Any:
    return SimpleNamespace(actor=actor, user_id=user_id, failures=[])


def _wait(predicate: Any, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def make_plugin(redis_server: RedisServer) -> Iterator[Any]:
    made: list[tuple[Tray, RedisRateLimitPlugin]] = []

    def make(**kwargs: Any) -> RedisRateLimitPlugin:
        kwargs.setdefault("key", "test-org")
        plugin = RedisRateLimitPlugin(url=redis_server.url, **kwargs)
        # A client configures the plugin (clock, rate, burst) and starts its refresher.
        tray = Tray("fake-master", api_url="http://127.0.0.1:9", plugins=[plugin])
        made.append((tray, plugin))
        return plugin

    yield make
    for tray, _plugin in made:
        tray.close()


def _spend(plugin: RedisRateLimitPlugin) -> bool:
    plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
    return True


def _take(plugin: RedisRateLimitPlugin, key: str = "org") -> float:
    """One slot that was reserved in Redis (never a borrowed one): its due time."""
    _wait(lambda: bool(plugin._lanes.get(key) and plugin._lanes[key].slots), "a reserved slot")
    now = time.monotonic()
    return now + (plugin.tray_ext_rate_limit_delay(_call(), now) or 0.0)


def test_the_script_keeps_one_level_for_every_client(redis_server: RedisServer) -> None:
    first = redis.Redis.from_url(redis_server.url)
    second = redis.Redis.from_url(redis_server.url)
    reserve_a = first.register_script(RESERVE_SCRIPT)
    reserve_b = second.register_script(RESERVE_SCRIPT)
    before_a, _ = reserve_a(keys=["k"], args=[1.0, 5, 3, 0.0, 60000])
    before_b, rate = reserve_b(keys=["k"], args=[1.0, 5, 3, 0.0, 60000])
    assert float(before_a) == 5.0
    # The second client sees what the first took (plus what refilled meanwhile at 1/s).
    assert 2.0 <= float(before_b) < 3.0
    assert float(rate) == 1.0
    first.close()
    second.close()


def test_two_processes_slots_together_keep_the_shared_rate(make_plugin: Any) -> None:
    rate, burst, each = 5.0, 2, 10
    a = make_plugin(rate=rate, burst=burst)
    b = make_plugin(rate=rate, burst=burst)
    # Start both lanes, then drop what they borrowed before their first reservation.
    for plugin in (a, b):
        plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
    dues: list[float] = []
    for _ in range(each):
        dues.append(_take(a))
        dues.append(_take(b))
    dues.sort()
    # 20 slots from one bucket of 5/s with bursts of 2 span at least (20 - 2 - 2) / 5 s (the
    # two borrowed first slots were charged too); two buckets of their own would span 1.6 s.
    span = dues[-1] - dues[0]
    assert span >= 0.9 * (2 * each - burst) / rate


def test_a_burst_of_calls_reserves_at_most_a_lookahead_of_the_shared_rate(
    make_plugin: Any,
) -> None:
    """40 calls at once: the next reservation is a quarter second of 30/s, not of 40 per ms.

    The demand estimate once divided the slots taken by the time since the last refresh - a
    millisecond when the burst woke the refresher - and reserved seconds of the org's budget for
    this process alone, holding every other process's slots back that long."""
    plugin = make_plugin(rate=30.0, burst=50)
    now = time.monotonic()
    for _ in range(40):
        plugin.tray_ext_rate_limit_delay(_call(), now)
    rounds = plugin.rounds
    _wait(lambda: plugin.rounds >= rounds + 3, "three refreshes after the burst")
    lane = plugin._lanes["org"]
    assert lane.debt == 0  # the 40 borrowed slots were charged
    assert 1 <= len(lane.slots) <= math.ceil(30.0 * LOOKAHEAD)


def test_a_process_busy_elsewhere_holds_no_more_slots_than_it_wants(make_plugin: Any) -> None:
    """Slots already due but not taken still count: the refresher does not top them up.

    Topping up only the future ones let a process busy elsewhere (starting up, minting a token)
    pile up slots round after round, then send them all at once: a burst the other processes'
    slots had made no room for, and 429s."""
    plugin = make_plugin(rate=30.0, burst=50)
    plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
    lane = plugin._lanes["org"]
    start = plugin.rounds
    while plugin.rounds < start + 10:  # still calling now and then: the lane is not idle
        lane.last_used = time.monotonic()
        assert len(lane.slots) <= 1  # demand of one call: one slot ahead
        time.sleep(0.01)


def test_a_429_keeps_the_slots_already_reserved(make_plugin: Any) -> None:
    """They are charged to the shared bucket: dropping them would waste the org's budget (the
    refresher reserved as many again, due later, for every process)."""
    plugin = make_plugin(rate=30.0, burst=50)
    for _ in range(8):
        plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
    _wait(lambda: len(plugin._lanes["org"].slots) >= 1, "reserved slots")
    held = list(plugin._lanes["org"].slots)
    plugin.tray_ext_attempt_finished(
        _call(), SimpleNamespace(kind=AttemptKind.RATE_LIMITED, number=1)
    )
    # The refresher may add slots meanwhile, and drops only those whose moment passed long ago.
    kept = set(plugin._lanes["org"].slots)
    assert [due for due in held if due >= time.monotonic() - STALE and due not in kept] == []


def test_the_shared_bucket_keeps_stale_seconds_of_the_rate_out_of_its_burst(
    make_plugin: Any, redis_server: RedisServer
) -> None:
    """Slots may reach Tray up to STALE late: the burst handed out leaves room for them."""
    plugin = make_plugin(rate=10.0, burst=20)
    plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
    _wait(lambda: plugin.rounds >= 1, "the first refresh")
    client = redis.Redis.from_url(redis_server.url)
    level = float(client.hget("tray_ext:rate:test-org:org", "level") or 0)
    client.close()
    assert level <= 20 - 10.0 * STALE - 1  # one slot taken from a bucket of 15, not of 20


def test_a_429_cuts_the_shared_rate_once_per_cooldown_and_it_recovers(
    make_plugin: Any, redis_server: RedisServer
) -> None:
    plugin = make_plugin(rate=30.0, burst=10, cooldown=60.0, increase=3.0)
    plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
    _wait(lambda: plugin.rounds >= 1, "the first refresh")
    limited = SimpleNamespace(kind=AttemptKind.RATE_LIMITED, number=1)
    rounds = plugin.rounds
    plugin.tray_ext_attempt_finished(_call(), limited)
    _wait(lambda: plugin.rounds > rounds + 1, "the refresher to report the 429")
    client = redis.Redis.from_url(redis_server.url)
    key = "tray_ext:rate:test-org:org"
    cut = float(client.hget(key, "rate") or 0)
    assert cut == pytest.approx(30.0 * 0.75, abs=1.0)  # recovered by at most a second's worth
    assert float(client.hget(key, "level") or 0) <= 10.0
    # Another 429 within the cooldown: no second cut (Tray's answer to one burst is many 429s).
    rounds = plugin.rounds
    plugin.tray_ext_attempt_finished(_call(), limited)
    _wait(lambda: plugin.rounds > rounds + 1, "the refresher to report the second 429")
    assert float(client.hget(key, "rate") or 0) >= cut
    # Additive increase: a reservation after the rate's own clock moved on raises it back.
    backoff = client.register_script(BACKOFF_SCRIPT)
    assert backoff is not None
    client.hset(key, "updated", str(float(client.hget(key, "updated") or 0) - 10.0))
    reserve = client.register_script(RESERVE_SCRIPT)
    _before, rate = reserve(keys=[key], args=[30.0, 10, 1, 3.0, 60000])
    assert float(rate) == 30.0
    client.close()


def test_redis_gone_falls_back_to_the_local_bucket_with_one_warning(
    make_plugin: Any, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tray_ext.redis")
    a = make_plugin(rate=2.0, burst=1)
    b = make_plugin(rate=2.0, burst=1)
    for plugin in (a, b):
        plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
        _wait(lambda p=plugin: p.rounds >= 1, "the first refresh")
    redis_server.stop()
    for plugin in (a, b):  # calls go on: soon a reservation is needed, and Redis is gone
        _wait(lambda p=plugin: p._outage.down or not _spend(p), "the refresher to notice")
    # Both now answer from a bucket of their own at the configured rate: never an error.
    now = time.monotonic()
    delays = [a.tray_ext_rate_limit_delay(_call(), now) for _ in range(3)]
    assert delays[0] == 0.0
    assert delays[2] == pytest.approx(1.0, abs=0.01)  # the third slot of 2/s, burst 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert f":{redis_server.port}" in warnings[0].getMessage()
    # Redis back on the same port: the shared bucket again, with no further warning.
    redis_server.start()
    a.tray_ext_rate_limit_delay(_call(), time.monotonic())
    _wait(lambda: not a._outage.down, "the refresher to reconnect")
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


class _FrozenClock:
    """Monotonic time that moves only when the test says so (the fallback's arithmetic)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        pass

    async def asleep(self, seconds: float) -> None:
        pass


def test_the_local_fallback_backs_off_on_429s_and_recovers() -> None:
    """Redis down: every process falls back to its own bucket at the configured rate, so
    together they run over the org's limit; the 429s must bring each one's rate down."""
    clock = _FrozenClock()
    plugin = RedisRateLimitPlugin(
        url=f"redis://127.0.0.1:{free_port()}/0", key="local", cooldown=60.0, increase=3.0
    )
    limited = SimpleNamespace(kind=AttemptKind.RATE_LIMITED, number=1)
    with Tray("fake-master", api_url="http://127.0.0.1:9", plugins=[plugin], clock=clock, burst=1):
        plugin.tray_ext_rate_limit_delay(_call(), clock.now)
        _wait(lambda: plugin._outage.down, "the refresher to find Redis unreachable")
        assert plugin.tray_ext_rate_limit_delay(_call(), clock.now) == 0.0  # the local burst
        plugin.tray_ext_attempt_finished(_call(), limited)
        # Cut to 30 x 0.75 and drained: the next slot comes 1/22.5 s later, not 1/30 s.
        delay = plugin.tray_ext_rate_limit_delay(_call(), clock.now)
        assert delay == pytest.approx(1 / 22.5 + TokenBucket.MARGIN, abs=1e-6)
        plugin.tray_ext_attempt_finished(_call(), limited)  # within the cooldown: no second cut
        delay = plugin.tray_ext_rate_limit_delay(_call(), clock.now)
        assert delay == pytest.approx(2 / 22.5 + TokenBucket.MARGIN, abs=1e-6)
        clock.now += 100.0  # additive increase: back to the configured rate
        assert plugin.tray_ext_rate_limit_delay(_call(), clock.now) == 0.0
        delay = plugin.tray_ext_rate_limit_delay(_call(), clock.now)
        assert delay == pytest.approx(1 / 30 + TokenBucket.MARGIN, abs=1e-6)


def test_a_url_password_never_reaches_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()  # nothing listens there: the outage path logs the location
    plugin = RedisRateLimitPlugin(url=f"redis://:hunter2-secret@127.0.0.1:{port}/0", key="pw")
    with Tray("fake-master", api_url="http://127.0.0.1:9", plugins=[plugin]):
        plugin.tray_ext_rate_limit_delay(_call(), time.monotonic())
        _wait(lambda: plugin._outage.down, "the refused connection to count as an outage")
    assert f"127.0.0.1:{port}" in caplog.text
    assert "hunter2-secret" not in caplog.text


def test_429s_under_the_configured_rate_cut_the_shared_rate(redis_server: RedisServer) -> None:
    """Configured for 30/s, but the org allows 10/s: Tray's 429s bring the shared rate down."""
    from tray_ext.testing import Emulator

    emulator = Emulator(rate_limit=10, burst=5, rate_limit_scope="org")
    # A slow recovery, so that the cut is still visible however slowly this machine runs.
    plugin = RedisRateLimitPlugin(url=redis_server.url, key="aimd", cooldown=0.1, increase=0.01)
    with Tray(
        emulator.master_token,
        api_url="http://127.0.0.1:9",
        graphql_url="http://127.0.0.1:9/graphql",
        transport=emulator.transport(),
        plugins=[plugin],
        rate_limit=30.0,
        burst=50,
        load_entry_points=False,
    ) as tray:
        for _ in range(25):
            assert tray.users.find("nobody") is None  # every call succeeds, retried or not
    client = redis.Redis.from_url(redis_server.url)
    rate = float(client.hget("tray_ext:rate:aimd:org", "rate") or 0)
    client.close()
    assert rate < 30.0 * 0.75 + 0.5  # cut at least once (recovery: the test above)
