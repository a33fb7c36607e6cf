"""Sliding-window rate limits for the actions (status lookups per sender, cases per client
address), shared by every action server that uses the same state store: the embedded default's
`var/rate_limits.sqlite3`, or the PostgreSQL database of `LOTSE_BOT_STATE_URL` for all replicas.
Counting and recording happen under one lock per bucket and key (PostgreSQL: a transaction-scoped
advisory lock; SQLite: the write lock every transaction takes first), so parallel requests cannot
all slip under a limit. Keys are pseudonyms (digests), never a sender id or an address in clear."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import Column, Index, Table, Text, delete, func, insert, select

from actions.settings import var_dir
from state_store.engine import hold_lock, metadata, prepared_engine, state_url

SCHEMA_VERSION = 1

hits_table = Table(
    "rate_limit_hits",
    metadata,
    Column("bucket", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("at", Text, nullable=False),  # ISO 8601, UTC
    Index("ix_rate_limit_hits_bucket_key_at", "bucket", "key", "at"),
)
_column = hits_table.c


class RateLimits:
    def __init__(self, path: Optional[Path] = None) -> None:
        url = f"sqlite:///{path}" if path else state_url(var_dir() / "rate_limits.sqlite3")
        self._engine = prepared_engine(url, "rate_limits", SCHEMA_VERSION, (hits_table,))

    def allow(self, bucket: str, key: str, limit: int, window: timedelta, now: Optional[datetime] = None) -> bool:
        """Counts one use of `key` in `bucket` unless `limit` uses fell in the last `window`."""
        moment = now or datetime.now(timezone.utc)
        since = (moment - window).isoformat()
        with self._engine.begin() as connection:
            hold_lock(connection, f"rate_limits:{bucket}:{key}")
            connection.execute(delete(hits_table).where((_column.bucket == bucket) & (_column.at < since)))
            used = connection.execute(
                select(func.count())
                .select_from(hits_table)
                .where((_column.bucket == bucket) & (_column.key == key) & (_column.at >= since))
            ).scalar()
            if used >= limit:
                return False
            connection.execute(insert(hits_table).values(bucket=bucket, key=key, at=moment.isoformat()))
        return True
