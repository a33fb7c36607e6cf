"""The connectors' backoff schedule (channels/outgoing_http.py with bot/backoff.py): the wait
after the n-th failed provider call, and a provider's Retry-After in its place."""

import pytest
from tenacity import RetryCallState

from channels.outgoing_http import RetryableCallError, RetryPolicy


# failed attempts → (shortest, longest) wait in seconds of the default policy: 0.5 s doubling to 8 s,
# jitter up to 0.5 s; a Retry-After is taken as asked, up to 8 s.
PROVIDER_SCHEDULE = {1: (0.5, 1.0), 2: (1.0, 1.5), 3: (2.0, 2.5), 4: (4.0, 4.5), 5: (8.0, 8.0), 9: (8.0, 8.0)}


def waited(failed: int, error: Exception) -> float:
    retrying = RetryPolicy().retrying("test")
    state = RetryCallState(retrying, None, (), {})
    state.attempt_number = failed
    state.set_exception((type(error), error, None))
    assert retrying.wait is not None
    return retrying.wait(state)


@pytest.mark.parametrize(("failed", "bounds"), PROVIDER_SCHEDULE.items())
def test_provider_calls_wait_double_up_to_eight_seconds(failed: int, bounds: tuple[float, float]) -> None:
    waits = [waited(failed, RetryableCallError("test", 503)) for _ in range(100)]
    assert all(bounds[0] <= wait <= bounds[1] for wait in waits)


@pytest.mark.parametrize(("asked", "wait"), [(0.0, 0.0), (3.0, 3.0), (60.0, 8.0)])
def test_a_retry_after_replaces_the_backoff_up_to_eight_seconds(asked: float, wait: float) -> None:
    assert waited(1, RetryableCallError("test", 429, retry_after=asked)) == wait
