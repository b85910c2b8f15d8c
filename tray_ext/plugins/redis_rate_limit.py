"""Plugin: one token bucket in Redis shared by every process, with an adaptive (AIMD) rate.

Several services on one master token (or one org) each keeping their own 30/s bucket send Tray
120/s and collect 429s. Here the bucket lives in Redis, on a key every process agrees on: per org
(`scope="org"`, the default: one bucket for every token of the org, the safe guess while Tray
does not publish the scope) or per token (`scope="token"`: the master token's calls share one
bucket, each user token has its own). It is updated atomically by a Lua script, so the processes
never race on it.

Why a background refresher, not a Redis call in the hook
-------------------------------------------------------
`tray_ext_rate_limit_delay` must answer without I/O (hookspecs.py: async clients call it on the
event loop). So the hook only reads local state: a queue of *slots already reserved in Redis*,
each with the monotonic time it is due. A daemon thread per client (the refresher) keeps that
queue filled a short look-ahead ahead of this process's measured demand (`LOOKAHEAD` seconds of
it), reserving slots in batches with one script call, and is woken early when the queue runs
low. The hook pops the next slot and answers how long until it is due; the pipeline sleeps.
Every slot sent was reserved in the shared bucket first, except when a burst of demand empties
the queue before the refresher has run again: the hook then *borrows* a slot (paced at the
shared rate after the last one it knows) and the refresher charges the debt to the shared
bucket at once, so the org's total stays right and the next slots of every process come later.

The alternative, a cache-object-style call the pipeline makes, is not available for the rate
limit: the pipeline asks a plugin only for a delay. A reservation per attempt over the network
would also cost a Redis round trip per request; batches cost one per `LOOKAHEAD` or less.

The adaptive limit (AIMD)
-------------------------
A 429 although every process stayed within the shared bucket means Tray's limit is narrower or
wider-scoped than configured (another team's service on the same org, a per-org limit): the
shared rate is cut multiplicatively (`decrease`, at most once per `cooldown` seconds, never
under `min_rate`) and the bucket is drained (nothing is free right now), then the rate recovers
additively (`increase` requests/s per second) up to the configured rate. The rate lives in
Redis with the bucket, so every process backs off together. The slots a process already holds
are kept: Redis charged them, and throwing them away (as this plugin once did) made the
refresher reserve as many again, due later, and left Tray idle for seconds.

When Redis is unreachable
-------------------------
One warning per process (tray_ext.plugins.redis_connection.Outage), then this process keeps its
own local bucket at the configured rate (what the built-in rate_limit plugin does) and never
fails a call; the refresher keeps trying and goes back to the shared bucket when Redis answers.
The local bucket adapts the same way (`_LocalRate`: the scripts' AIMD for this process alone):
the other processes fell back too, so together they now run over the org's limit and 429s
are what says by how much.

Use it with `Tray(plugins=[RedisRateLimitPlugin(url=...)])`, or set `TRAY_REDIS_URL` (it is then
registered as the built-in `redis_rate_limit`). `TRAY_REDIS_RATE_SCOPE` (org | token) and
`TRAY_REDIS_RATE_KEY` (the name processes share; default: the API host) configure it too.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tray_ext.calls import AttemptKind
from tray_ext.errors import ConfigurationError
from tray_ext.hookspecs import hookimpl
from tray_ext.plugins.rate_limit import TokenBucket, bucket_key
from tray_ext.plugins.redis_connection import (
    Outage,
    import_redis,
    redis_configured,
    redis_errors,
    redis_url,
    sync_client,
)

if TYPE_CHECKING:
    import redis

    from tray_ext.calls import Attempt, Call
    from tray_ext.config import ClientConfig

__all__ = ["RESERVE_SCRIPT", "SCOPES", "RedisRateLimitPlugin"]

log = logging.getLogger("tray_ext.redis")

SCOPES = ("org", "token")
SCOPE_ENV = "TRAY_REDIS_RATE_SCOPE"
KEY_ENV = "TRAY_REDIS_RATE_KEY"

LOOKAHEAD = 0.25
"""Seconds of this process's demand the refresher keeps reserved ahead."""
DEMAND_WINDOW = 0.25
"""Seconds of slots taken, at least, behind each estimate of this process's demand."""
INTERVAL = 0.05
"""Seconds between refresher rounds when nothing wakes it earlier."""
STALE = 0.5
"""A reserved slot due more than this long ago is dropped (its moment passed unused). It is also
the longest a slot can reach Tray after its moment, so the shared bucket keeps that much of the
rate out of its burst (see `shared_burst`)."""
IDLE = 1.0
"""Seconds without a call after which the refresher stops reserving slots for a lane."""
SILENCE = 1.5
"""No successful refresh for this long while calls wait: Redis counts as unreachable."""
RETRY_EVERY = 1.0
"""Seconds between attempts to reach Redis again while it is down."""

# KEYS[1] the bucket hash. ARGV: max rate, burst, slots wanted, increase per second, ttl ms.
# The bucket's level may go negative: a queue of reserved slots, each due when the level would
# have refilled to it. Answers the level before this reservation and the current rate, as
# strings (a Lua number returned to Redis is truncated to an integer).
RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local max_rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local increase = tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'level', 'updated', 'rate')
local level = tonumber(h[1]) or burst
local updated = tonumber(h[2]) or now
local rate = tonumber(h[3]) or max_rate
local elapsed = now - updated
if elapsed < 0 then elapsed = 0 end
rate = math.min(max_rate, rate + increase * elapsed)
level = math.min(burst, level + elapsed * rate)
local before = level
level = level - wanted
redis.call('HSET', KEYS[1], 'level', tostring(level), 'updated', tostring(now),
           'rate', tostring(rate))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
return {tostring(before), tostring(rate)}
"""

# KEYS[1] the bucket hash. ARGV: decrease factor, min rate, cooldown s, max rate, burst, ttl ms.
# Tray refused a request although the bucket allowed it: cut the rate (once per cooldown) and
# drain the bucket. Answers the rate after the decision.
BACKOFF_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local h = redis.call('HMGET', KEYS[1], 'level', 'updated', 'rate', 'cut')
local max_rate = tonumber(ARGV[4])
local level = tonumber(h[1]) or tonumber(ARGV[5])
local updated = tonumber(h[2]) or now
local rate = tonumber(h[3]) or max_rate
local cut = tonumber(h[4]) or 0
local elapsed = now - updated
if elapsed < 0 then elapsed = 0 end
level = math.min(tonumber(ARGV[5]), level + elapsed * rate)
if now - cut >= tonumber(ARGV[3]) then
  rate = math.max(tonumber(ARGV[2]), rate * tonumber(ARGV[1]))
  cut = now
  if level > 0 then level = 0 end
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'updated', tostring(now),
           'rate', tostring(rate), 'cut', tostring(cut))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
return tostring(rate)
"""


def shared_burst(rate: float, burst: float) -> float:
    """The burst the shared bucket hands out: the configured one less `STALE` seconds of rate.

    A slot may reach Tray up to `STALE` after its moment (held by a process busy elsewhere:
    starting up, minting a token; plus a worker scheduled late on a loaded machine) while other
    processes' slots arrive on time. A token bucket's output delayed by up to D conforms only to
    a burst larger by rate x D: with the whole configured burst handed out, Tray's full bucket
    overflows while the late slots are on their way, and the on-time slots after them meet 429s
    (measured: four importers starting together against an org limit of 30/s, burst 50, drew a
    dozen 429s in their first second, none with this headroom). The sustained rate is
    unchanged: only the burst after a quiet spell is smaller."""
    return max(1.0, burst - rate * STALE)


class _LocalRate:
    """The fallback bucket's adaptive rate: BACKOFF_SCRIPT and RESERVE_SCRIPT's AIMD, here."""

    __slots__ = ("bucket", "cut", "rate", "updated")

    def __init__(self, bucket: TokenBucket, rate: float, now: float) -> None:
        self.bucket = bucket
        self.rate = rate
        self.updated = now
        self.cut = -math.inf

    def recover(self, max_rate: float, increase: float, now: float) -> None:
        """Additive increase since the last look, up to the configured rate."""
        rate = min(max_rate, self.rate + increase * max(0.0, now - self.updated))
        self.updated = max(self.updated, now)
        if rate != self.rate:
            self.rate = rate
            self.bucket.set_rate(rate, now)

    def refused(self, decrease: float, min_rate: float, cooldown: float, now: float) -> None:
        """Multiplicative decrease, at most once per cooldown; nothing is free right now."""
        if now - self.cut >= cooldown:
            self.rate = max(min_rate, self.rate * decrease)
            self.cut = now
            self.bucket.set_rate(self.rate, now)
        self.bucket.drain(now)


class _Lane:
    """This process's side of one shared bucket: reserved slots, demand, debt."""

    __slots__ = (
        "debt",
        "demand",
        "last_due",
        "last_used",
        "rate",
        "refused",
        "slots",
        "used",
        "window",
    )

    def __init__(self, rate: float, now: float) -> None:
        self.slots: collections.deque[float] = collections.deque()
        self.rate = rate  # the shared rate as last seen (for pacing borrowed slots)
        self.last_due = 0.0
        self.debt = 0  # slots sent without a reservation, not yet charged
        self.used = 0  # slots taken since `window` began
        self.window = now
        self.demand = 0.0  # slots per second, smoothed
        self.last_used = 0.0
        self.refused = False  # a 429 arrived: back off at the next refresh

    def measure(self, now: float) -> None:
        """Fold the slots taken over the last `DEMAND_WINDOW` or more into the demand.

        Over a shorter span the estimate is noise: a refresher woken a millisecond after a
        round by one slot taken would read a demand of a thousand a second (and reserve
        seconds of the org's budget for this process alone)."""
        span = now - self.window
        if span >= DEMAND_WINDOW:
            self.demand = 0.5 * self.demand + 0.5 * (self.used / span)
            self.used = 0
            self.window = now


class RedisRateLimitPlugin:
    """A Redis-shared, adaptive token bucket (see the module docstring)."""

    @staticmethod
    def wanted(config: ClientConfig) -> bool:
        """On by default only when TRAY_REDIS_URL is set (or when given in `builtins=`)."""
        return redis_configured()

    def __init__(
        self,
        *,
        url: str | None = None,
        scope: str | None = None,
        key: str | None = None,
        rate: float | None = None,
        burst: int | None = None,
        prefix: str = "tray_ext",
        decrease: float = 0.75,
        increase: float = 3.0,
        min_rate: float = 1.0,
        cooldown: float = 1.0,
    ) -> None:
        import_redis()
        self._url = redis_url(url)
        scope = scope or os.environ.get(SCOPE_ENV, "").strip() or "org"
        if scope not in SCOPES:
            raise ConfigurationError(f"the Redis rate-limit scope must be one of {SCOPES}")
        if not 0 < decrease < 1 or increase <= 0 or min_rate <= 0 or cooldown < 0:
            raise ConfigurationError(
                "AIMD settings: 0 < decrease < 1, increase > 0, min_rate > 0, cooldown >= 0"
            )
        self.scope = scope
        self._name = key or os.environ.get(KEY_ENV, "").strip() or None
        self._prefix = prefix
        self._rate = rate
        self._burst = burst
        self._decrease = decrease
        self._increase = increase
        self._min_rate = min_rate
        self._cooldown = cooldown
        self._enabled = True
        self._lanes: dict[str, _Lane] = {}
        self._local: dict[str, _LocalRate] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: redis.Redis | None = None
        self._reserve: Any = None
        self._backoff: Any = None
        self._monotonic: Callable[[], float] = time.monotonic
        self._last_sync = 0.0
        self._outage = Outage("the rate limit", self._url)
        self.rounds = 0  # refresher rounds that reached Redis (tests wait on it)

    # ---- hooks ---------------------------------------------------------------------------

    @hookimpl
    def tray_ext_configure(self, config: ClientConfig) -> None:
        if self._rate is None:
            self._rate = config.rate_limit
        if self._burst is None:
            self._burst = config.burst
        self._enabled = self._rate is not None
        self._monotonic = config.clock.monotonic
        if self._name is None:
            self._name = config.hosts.api_url.split("://", 1)[-1].rstrip("/")
        if self._enabled and self._thread is None:
            self._last_sync = self._monotonic()
            self._thread = threading.Thread(
                target=self._run, name="tray_ext-redis-rate-limit", daemon=True
            )
            self._thread.start()

    @hookimpl
    def tray_ext_rate_limit_delay(self, call: Call, now: float) -> float | None:
        if not self._enabled:
            return None
        key = self._key(call)
        with self._lock:
            if self._outage.down or now - self._last_sync > SILENCE:
                return self._local_delay(key, now)
            lane = self._lane(key)
            lane.used += 1
            lane.last_used = now
            while lane.slots and lane.slots[0] < now - STALE:
                lane.slots.popleft()
            if lane.slots:
                due = lane.slots.popleft()
            else:  # demand outran the reservations: borrow, charged at the next refresh
                due = max(now, lane.last_due + 1.0 / lane.rate)
                lane.debt += 1
            lane.last_due = max(lane.last_due, due)
            if len(lane.slots) < 2:
                self._wake.set()
        return max(0.0, due - now)

    @hookimpl
    def tray_ext_attempt_finished(self, call: Call, attempt: Attempt) -> None:
        if self._enabled and attempt.kind == AttemptKind.RATE_LIMITED:
            key = self._key(call)
            with self._lock:
                lane = self._lane(key)
                lane.refused = True
                local = self._local.get(key)
                if local is not None:
                    now = self._monotonic()
                    assert self._rate is not None
                    local.recover(self._rate, self._increase, now)
                    local.refused(self._decrease, self._min_rate, self._cooldown, now)
            self._wake.set()

    @hookimpl
    def tray_ext_client_closed(self, config: ClientConfig) -> None:
        self.close()

    # ---- local state ---------------------------------------------------------------------

    def _key(self, call: Call) -> str:
        if self.scope == "org":
            return "org"
        actor, user_id = bucket_key(call)
        return "master" if actor == "master" else f"{actor}:{user_id}"

    def _lane(self, key: str) -> _Lane:
        lane = self._lanes.get(key)
        if lane is None:
            assert self._rate is not None
            lane = self._lanes[key] = _Lane(self._rate, self._monotonic())
        return lane

    def _local_delay(self, key: str, now: float) -> float:
        assert self._rate is not None
        local = self._local.get(key)
        if local is None:
            bucket = TokenBucket(self._rate, float(self._burst or 1), now)
            local = self._local[key] = _LocalRate(bucket, self._rate, now)
        local.recover(self._rate, self._increase, now)
        return local.bucket.reserve(now)

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        if self._client is not None:
            self._client.close()
            self._client = None

    # ---- the refresher -------------------------------------------------------------------

    def _run(self) -> None:
        errors = redis_errors()
        while not self._stop.is_set():
            if self._outage.down:
                self._wake.wait(RETRY_EVERY)
            else:
                self._wake.wait(INTERVAL)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self._refresh()
            except errors as error:
                self._outage.failed(error)  # logs: outside the lock the hook takes
                with self._lock:
                    for lane in self._lanes.values():
                        lane.slots.clear()
                        lane.debt = 0
                self._drop_client()
            except Exception:  # never let the thread die: the hook would go local for good
                log.exception("the Redis rate-limit refresher failed; retrying")
                self._drop_client()

    def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):  # a broken connection may fail to close
                client.close()

    def _scripts(self) -> redis.Redis:
        if self._client is None:
            self._client = sync_client(self._url)
            self._reserve = self._client.register_script(RESERVE_SCRIPT)
            self._backoff = self._client.register_script(BACKOFF_SCRIPT)
        return self._client

    def _redis_key(self, key: str) -> str:
        return f"{self._prefix}:rate:{self._name}:{key}"

    def _refresh(self) -> None:
        client = self._scripts()
        assert self._rate is not None
        burst = shared_burst(self._rate, float(self._burst or 1))
        ttl = int(max(60.0, 2 * burst / self._rate) * 1000)
        if self._outage.down:
            client.ping()
        now = self._monotonic()
        with self._lock:
            work = []
            for key, lane in self._lanes.items():
                lane.measure(now)
                if now - lane.last_used > IDLE and not lane.debt and not lane.refused:
                    continue  # idle lane: reserve nothing for it
                while lane.slots and lane.slots[0] < now - STALE:
                    lane.slots.popleft()
                # Every slot held counts, due or not: one already due is budget taken from the
                # shared bucket all the same. Topping up only the future ones would hoard slots
                # while this process is busy elsewhere (starting up, minting a token), then spend
                # them all at once - a burst the other processes' slots never made room for.
                ahead = len(lane.slots)
                # Never more than LOOKAHEAD of the shared rate: slots beyond it would only be due
                # later, and would hold the other processes' next slots back meanwhile.
                wanted = max(1, math.ceil(min(lane.demand, lane.rate) * LOOKAHEAD))
                work.append((key, lane, max(0, wanted - ahead), lane.debt, lane.refused))
                lane.debt = 0
                lane.refused = False
        for key, lane, prefetch, debt, refused in work:
            redis_key = self._redis_key(key)
            if refused:
                rate = float(
                    self._backoff(
                        keys=[redis_key],
                        args=[
                            self._decrease,
                            self._min_rate,
                            self._cooldown,
                            self._rate,
                            burst,
                            ttl,
                        ],
                        client=client,
                    )
                )
                with self._lock:
                    lane.rate = rate
            wanted = prefetch + debt
            if not wanted:
                continue
            before_raw, rate_raw = self._reserve(
                keys=[redis_key],
                args=[self._rate, burst, wanted, self._increase, ttl],
                client=client,
            )
            answered = self._monotonic()
            before, rate = float(before_raw), float(rate_raw)
            dues = [answered + max(0.0, (i - before) / rate) for i in range(1, wanted + 1)]
            with self._lock:
                lane.rate = rate
                lane.slots.extend(dues[debt:])  # the first `debt` slots were used already
                lane.last_due = max(lane.last_due, dues[-1])
        with self._lock:
            self._last_sync = self._monotonic()
        self._outage.recovered()
        self.rounds += 1
