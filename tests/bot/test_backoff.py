"""The bot side's backoff schedule (bot/backoff.py) as the outbox uses it: the wait after the n-th
failed attempt of a case or an erasure request, with its jitter of up to one first wait."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.outbox import RETRY_BACKOFF
from bot.backoff import backoff, wait_after

SAMPLES = 200
# failed attempts → (shortest, longest) wait in seconds
OUTBOX_SCHEDULE = {
    1: (5, 10),
    2: (10, 15),
    3: (20, 25),
    4: (40, 45),
    5: (80, 85),
    6: (160, 165),
    7: (320, 325),
    8: (600, 600),
    200: (600, 600),
}


@pytest.mark.parametrize(("failed", "bounds"), OUTBOX_SCHEDULE.items())
def test_the_outbox_waits_double_up_to_ten_minutes(failed: int, bounds: tuple[int, int]) -> None:
    shortest, longest = (timedelta(seconds=bound) for bound in bounds)
    waits = [wait_after(RETRY_BACKOFF, failed) for _ in range(SAMPLES)]
    assert all(shortest <= wait <= longest for wait in waits)


def test_failures_together_come_back_apart() -> None:
    waits = {wait_after(RETRY_BACKOFF, 3) for _ in range(SAMPLES)}
    assert len(waits) > SAMPLES // 2
    assert max(waits) - min(waits) > timedelta(seconds=2.5)


def test_the_policy_follows_its_first_and_longest_wait() -> None:
    policy = backoff(first=timedelta(seconds=1), longest=timedelta(seconds=3))
    assert [wait_after(policy, failed) >= timedelta(seconds=low) for failed, low in ((1, 1), (2, 2))] == [True, True]
    assert wait_after(policy, 3) == timedelta(seconds=3)
