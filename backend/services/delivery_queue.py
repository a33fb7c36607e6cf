"""What the durable outgoing queues (case packages, status notices) share: states, errors, the
canonical JSON they sign and the backoff between attempts."""

import json
from datetime import timedelta
from enum import StrEnum
from typing import Any

MAX_BACKOFF = timedelta(hours=6)


class DeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class DeliveryError(Exception):
    """A delivery attempt failed; the message is safe to store (no case data)."""


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def backoff(base_seconds: float, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from `base_seconds`, at most 6 h."""
    return min(timedelta(seconds=base_seconds * 2 ** (attempts - 1)), MAX_BACKOFF)
