"""How a queue on the `lotse-events` exchange is declared, by the broker or by a consumer
(insights/rabbit.py): durable, with a message TTL and a length limit that drops the oldest first.
Kept apart from the broker so a consumer need not import Rasa."""

from __future__ import annotations

from typing import Any, Dict

EXCHANGE = "lotse-events"
DEFAULT_MESSAGE_TTL_MS = 7 * 24 * 60 * 60 * 1000
DEFAULT_MAX_LENGTH = 100_000


def queue_arguments(message_ttl_ms: int, max_length: int) -> Dict[str, Any]:
    """The arguments every queue on the exchange is declared with, by the broker or a consumer."""
    return {"x-message-ttl": message_ttl_ms, "x-max-length": max_length, "x-overflow": "drop-head"}
