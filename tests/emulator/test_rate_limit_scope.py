"""The emulator's per-org rate limit: one bucket for every token, when asked for."""

from __future__ import annotations

import pytest

from tray_ext.testing import RateLimiter
from tray_ext.testing.__main__ import build_parser, make_emulator


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_per_token_by_default_per_org_on_request() -> None:
    per_token = RateLimiter(1.0, 2, time_source=Clock())
    per_org = RateLimiter(1.0, 2, time_source=Clock(), scope="org")
    for limiter in (per_token, per_org):
        assert limiter.allow("master")
        assert limiter.allow("master")
        assert not limiter.allow("master")
    assert per_token.allow("user-token")  # a bucket of its own
    assert not per_org.allow("user-token")  # the org's bucket is empty, whatever the token


def test_an_unknown_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="scope must be one of"):
        RateLimiter(1.0, 2, scope="user")


def test_the_command_line_option_reaches_the_limiter() -> None:
    args = build_parser().parse_args(["--rate-limit", "30", "--rate-limit-scope", "org"])
    with make_emulator(args) as emulator:
        assert emulator.rate_limiter.scope == "org"
    with make_emulator(build_parser().parse_args([])) as emulator:
        assert emulator.rate_limiter.scope == "token"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--rate-limit-scope", "user"])
