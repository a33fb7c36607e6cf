"""The backend's backoff schedule (backend/services/delivery_queue.py) for the delivery queue and the
status notices: the wait after the n-th failed attempt, with up to 1 s of jitter, at most 6 h. The
next attempt is kept in the database, so `record_attempt` is checked on a queue entry too."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from backend.services.delivery_queue import DeliveryError, Retry, backoff, record_attempt, wait_after

SAMPLES = 100
# failed attempts → wait in seconds before jitter, for the default forwarding base of 30 s
FORWARDING_SCHEDULE = {1: 30, 2: 60, 3: 120, 4: 240, 8: 3840, 10: 15360}
SIX_HOURS = timedelta(hours=6)


@pytest.mark.parametrize(("failed", "seconds"), FORWARDING_SCHEDULE.items())
def test_waits_double_from_the_base(failed: int, seconds: int) -> None:
    waits = [wait_after(backoff(30.0), failed) for _ in range(SAMPLES)]
    assert all(timedelta(seconds=seconds) <= wait <= timedelta(seconds=seconds + 1) for wait in waits)
    assert len(set(waits)) > 1  # jitter: entries that failed together come back apart


@pytest.mark.parametrize("failed", [11, 20, 500])
def test_no_wait_is_longer_than_six_hours(failed: int) -> None:
    assert wait_after(backoff(30.0), failed) == SIX_HOURS


@dataclass
class Entry:
    state: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime = datetime(2026, 12, 6, tzinfo=UTC)
    last_error: str | None = None
    delivered_at: datetime | None = None
    updated_at: datetime = datetime(2026, 12, 6, tzinfo=UTC)


def test_each_failed_attempt_is_kept_with_its_next_time_until_the_last() -> None:
    entry, now, retry = Entry(), datetime(2026, 12, 6, 12, tzinfo=UTC), Retry(base_seconds=10.0, max_attempts=3)
    for failed, seconds in ((1, 10), (2, 20)):
        assert record_attempt(entry, now, DeliveryError("http 503"), retry) is False
        assert entry.attempts == failed and entry.last_error == "http 503"
        assert now + timedelta(seconds=seconds) <= entry.next_attempt_at <= now + timedelta(seconds=seconds + 1)
    assert record_attempt(entry, now, DeliveryError("http 503"), retry) is True
    assert entry.state == "failed"
