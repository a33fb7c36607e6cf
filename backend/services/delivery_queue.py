"""What the durable outgoing queues (case packages, status notices) share: states, errors, the
canonical JSON they sign, the HTTP POST, the claim of due entries, the bookkeeping of each attempt
with its backoff, and the pass over the due entries.

Several workers (backend replicas) may work one queue: each claims its due entries with
`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (on SQLite every transaction takes the one write
lock, BEGIN IMMEDIATE, so claims are serialised) and moves their next attempt a lease ahead before
it sends. Another worker skips them meanwhile; a worker that dies holding entries loses them when
the lease runs out, and the next pass takes them."""

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

import httpx
from tenacity import RetryCallState, Retrying, wait_exponential_jitter

MAX_BACKOFF = timedelta(hours=6)
JITTER = timedelta(seconds=1)
CLAIM_LEASE = timedelta(minutes=10)  # well above a pass: at most 20 entries × 15 s timeout


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class DeliveryError(Exception):
    """A delivery attempt failed; the message is safe to store (no case data)."""


class QueueEntry(Protocol):
    """A queued row (Delivery, StatusNotice)."""

    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True)
class Retry:
    base_seconds: float
    max_attempts: int


Item = TypeVar("Item")
Sent = TypeVar("Sent")


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def backoff(base_seconds: float) -> wait_exponential_jitter:
    """The backend's one backoff policy (tenacity): the wait after the first failed attempt is
    `base_seconds`, doubling with each further failure up to 6 h, plus up to 1 s of jitter so that
    entries that failed together do not all come back at once."""
    return wait_exponential_jitter(multiplier=base_seconds, max=MAX_BACKOFF, jitter=JITTER)


def wait_after(policy: wait_exponential_jitter, failed_attempts: int) -> timedelta:
    """The wait the policy gives after the `failed_attempts`-th failed attempt (1 = the first): the
    queue keeps its next attempt in the database, not in a running retry loop."""
    state = RetryCallState(Retrying(), None, (), {})
    state.attempt_number = failed_attempts
    return timedelta(seconds=policy(state))


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> None:
    """Blocking; any answer but 2xx is a failed attempt. A redirect is one too and is not followed:
    following would turn the POST into a GET elsewhere, whose 2xx would count as delivered."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as error:
        raise DeliveryError(f"network: {type(error).__name__}") from None
    if not response.is_success:
        raise DeliveryError(f"http {response.status_code}")


def claim(entries: Sequence[QueueEntry], now: datetime) -> None:
    """Holds entries read `FOR UPDATE SKIP LOCKED` for this worker until the lease ends; call in the
    claiming transaction. Settling sets the next attempt anew, so only a lost worker's entries wait."""
    for entry in entries:
        entry.next_attempt_at = now + CLAIM_LEASE


def requeue(entry: QueueEntry, now: datetime) -> None:
    """Back into the queue with fresh attempts (staff, after it failed for good)."""
    entry.state, entry.attempts, entry.next_attempt_at, entry.updated_at = DeliveryState.PENDING.value, 0, now, now


def record_attempt(entry: QueueEntry, now: datetime, error: DeliveryError | None, retry: Retry) -> bool:
    """Counts one attempt: delivered, or its error kept and the next attempt after the backoff, failed
    for good after the last. Returns whether the entry left the queue, which the caller audits."""
    entry.attempts += 1
    entry.updated_at = now
    if error is None:
        entry.state, entry.delivered_at, entry.last_error = DeliveryState.DELIVERED.value, now, None
    else:
        entry.last_error = str(error)[:200]
        entry.next_attempt_at = now + wait_after(backoff(retry.base_seconds), entry.attempts)
        if entry.attempts >= retry.max_attempts:
            entry.state = DeliveryState.FAILED.value
    return entry.state != DeliveryState.PENDING


async def send_each(
    due: Sequence[Item],
    send: Callable[[Item], Sent],
    settle: Callable[[Item, Sent | DeliveryError], Awaitable[None]],
) -> int:
    """Sends each due entry outside any transaction (`send` blocks, so it runs in a thread), then
    settles it with what the attempt gave. Returns how many were tried."""
    for item in due:
        try:
            result: Sent | DeliveryError = await asyncio.to_thread(send, item)
        except DeliveryError as error:
            result = error
        await settle(item, result)
    return len(due)
