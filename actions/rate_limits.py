"""Sliding-window rate limits for the actions (status lookups per sender, cases per client
address), kept in SQLite under var/ so that every action server worker shares them. Keys are
pseudonyms (digests), never a sender id or an address in clear."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from actions.settings import var_dir
from conversation_store.local_state import private_file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits (bucket TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_hits_bucket_key_at ON hits (bucket, key, at);
"""


class RateLimits:
    def __init__(self, path: Optional[Path] = None) -> None:
        self._path = path or var_dir() / "rate_limits.sqlite3"
        private_file(self._path)
        with closing(self._connect()) as connection, connection:
            connection.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10, isolation_level="IMMEDIATE")

    def allow(self, bucket: str, key: str, limit: int, window: timedelta, now: Optional[datetime] = None) -> bool:
        """Counts one use of `key` in `bucket` unless `limit` uses fell in the last `window`."""
        moment = now or datetime.now(timezone.utc)
        since = (moment - window).isoformat()
        with closing(self._connect()) as connection, connection:
            connection.execute("DELETE FROM hits WHERE bucket = ? AND at < ?", (bucket, since))
            (used,) = connection.execute(
                "SELECT count(*) FROM hits WHERE bucket = ? AND key = ? AND at >= ?", (bucket, key, since)
            ).fetchone()
            if used >= limit:
                return False
            connection.execute("INSERT INTO hits (bucket, key, at) VALUES (?, ?, ?)", (bucket, key, moment.isoformat()))
        return True
