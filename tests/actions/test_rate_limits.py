"""The actions' rate limits on both backends of the storage layer, and under parallel use: as many
threads (think: action server replicas) as the limit allows get through, no more."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from actions.rate_limits import RateLimits

START = datetime(2026, 11, 26, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def limits(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RateLimits:
    if request.param == "sqlite":
        return RateLimits(tmp_path / "limits.sqlite3")
    monkeypatch.setenv("LOTSE_BOT_STATE_URL", request.getfixturevalue("postgres_state_url"))
    return RateLimits()


def test_a_rate_limit_forgets_uses_outside_its_window(limits: RateLimits) -> None:
    bucket = f"window-{id(limits)}"
    assert limits.allow(bucket, "k", 2, timedelta(hours=1), START)
    assert limits.allow(bucket, "k", 2, timedelta(hours=1), START + timedelta(minutes=1))
    assert not limits.allow(bucket, "k", 2, timedelta(hours=1), START + timedelta(minutes=2))
    assert limits.allow(bucket, "other", 2, timedelta(hours=1), START + timedelta(minutes=2))
    assert limits.allow(bucket, "k", 2, timedelta(hours=1), START + timedelta(minutes=62))


def test_parallel_uses_never_pass_the_limit(limits: RateLimits) -> None:
    bucket = f"parallel-{id(limits)}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: limits.allow(bucket, "k", 5, timedelta(hours=1), START), range(40)))
    assert answers.count(True) == 5
