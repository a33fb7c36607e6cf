"""The bot side's one retry-with-backoff policy, built from tenacity's wait strategies.

Used by the case outbox and the "delete my data" requests (`actions/outbox.py`: the next attempt is
kept in the database, so it survives a restart) and by the connectors' calls to the providers
(`channels/outgoing_http.py`: retried in the running call). The waits double from the first one up
to the longest, plus a random jitter of up to one first wait, so that entries or connectors that
failed together do not all come back at the same moment. The backend keeps its own policy
(`backend/services/delivery_queue.py`): it shares no code with the bot side."""

from __future__ import annotations

from datetime import timedelta

from tenacity import RetryCallState, Retrying, wait_exponential_jitter


def backoff(first: timedelta, longest: timedelta) -> wait_exponential_jitter:
    return wait_exponential_jitter(multiplier=first.total_seconds(), max=longest, jitter=first)


def wait_after(policy: wait_exponential_jitter, failed_attempts: int) -> timedelta:
    """The wait the policy gives after the `failed_attempts`-th failed attempt (1 = the first), for
    queues that keep their next attempt in a database instead of a running retry loop."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = failed_attempts
    return timedelta(seconds=policy(state))
