"""Providers redeliver webhooks they think failed; a delivery id seen recently is skipped, by
whichever replica it reaches.

Where the ids are kept (docs/stores.md):
- Redis, when `LOTSE_RATE_LIMIT_STORAGE` is a `redis://` URL (the production profile): one key per id,
  set with `SET NX EX`, so the first replica wins and the key expires by itself;
- otherwise the `webhook_deliveries` table of the bot side's state store (`var/webhook_deliveries.sqlite3`,
  or the PostgreSQL database of `LOTSE_BOT_STATE_URL`): the id is the primary key, the first insert
  wins, ids older than the expiry are deleted by the next insert.
Ids are kept `KEPT_FOR` (7 days: WhatsApp retries a failed webhook for up to 7 days)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Optional, Protocol

import redis
from sqlalchemy import Column, Index, Table, Text, delete

from state_store.engine import insert_for, metadata, prepared_engine, state_url
from state_store.local_state import var_dir

KEPT_FOR = timedelta(days=7)
STORE_FILE_NAME = "webhook_deliveries.sqlite3"
SCHEMA_VERSION = 1
REDIS_PREFIX = "lotse_delivery"

deliveries_table = Table(
    "webhook_deliveries",
    metadata,
    Column("channel", Text, primary_key=True),
    Column("delivery_id", Text, primary_key=True),
    Column("seen_at", Text, nullable=False),  # ISO 8601, UTC
    Index("ix_webhook_deliveries_seen", "seen_at"),
)
_delivery = deliveries_table.c


class DeliveryLog(Protocol):
    def first_record(self, channel: str, delivery_id: str) -> bool:
        """Records the id; True only for the first record of it (within the expiry)."""


class RedisDeliveryLog:
    def __init__(self, url: str, kept_for: timedelta = KEPT_FOR) -> None:
        self._redis = redis.Redis.from_url(url)
        self._seconds = int(kept_for.total_seconds())

    def first_record(self, channel: str, delivery_id: str) -> bool:
        return bool(self._redis.set(f"{REDIS_PREFIX}:{channel}:{delivery_id}", b"1", nx=True, ex=self._seconds))


class TableDeliveryLog:
    def __init__(self, url: Optional[str] = None, kept_for: timedelta = KEPT_FOR) -> None:
        url = url or state_url(var_dir() / STORE_FILE_NAME)
        self._engine = prepared_engine(url, "webhook_deliveries", SCHEMA_VERSION, (deliveries_table,))
        self._kept_for = kept_for

    def first_record(self, channel: str, delivery_id: str) -> bool:
        now = datetime.now(timezone.utc)
        with self._engine.begin() as connection:
            connection.execute(delete(deliveries_table).where(_delivery.seen_at < (now - self._kept_for).isoformat()))
            recorded = connection.execute(
                insert_for(connection, deliveries_table)
                .values(channel=channel, delivery_id=delivery_id, seen_at=now.isoformat())
                .on_conflict_do_nothing(index_elements=["channel", "delivery_id"])
            )
        return recorded.rowcount == 1


def delivery_log_from_env() -> DeliveryLog:
    """Redis when the production profile configured it for the message limits, else the state store."""
    storage = os.environ.get("LOTSE_RATE_LIMIT_STORAGE", "")
    if storage.startswith(("redis://", "rediss://")):
        return RedisDeliveryLog(storage)
    return TableDeliveryLog()


class RecentDeliveries:
    """The delivery ids one channel has handled, shared by every replica that uses the same log."""

    def __init__(self, channel: str, log: Optional[DeliveryLog] = None) -> None:
        self._channel = channel
        self._log = log or delivery_log_from_env()

    def first_time(self, delivery_id: Optional[object]) -> bool:
        """True the first time an id is seen (within the expiry), and for no id."""
        if delivery_id is None or delivery_id == "":
            return True
        return self._log.first_record(self._channel, str(delivery_id))
