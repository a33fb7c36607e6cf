"""Wrong link codes per conversation, kept in a small SQLite file so that a restart of the action
server does not reset the limit. Only the conversation's pseudonym and the time are stored."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from actions.settings import var_dir
from conversation_store.local_state import private_file

MAX_FAILURES = int(os.environ.get("LOTSE_LINK_MAX_FAILURES", "5"))
WINDOW = timedelta(minutes=int(os.environ.get("LOTSE_LINK_FAILURE_WINDOW_MINUTES", "15")))

_SCHEMA = "CREATE TABLE IF NOT EXISTS link_failures (sender_key TEXT NOT NULL, at TEXT NOT NULL)"
_INDEX = "CREATE INDEX IF NOT EXISTS ix_link_failures_sender_at ON link_failures (sender_key, at)"


def _now() -> datetime:
    return datetime.now(timezone.utc)


class LinkAttempts:
    def __init__(
        self, path: Optional[Path] = None, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW
    ) -> None:
        self._path = path or var_dir() / "link_attempts.sqlite3"
        self._max_failures = max_failures
        self._window = window
        private_file(self._path)
        with closing(self._connect()) as connection, connection:
            connection.execute(_SCHEMA)
            connection.execute(_INDEX)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def blocked(self, sender_key: str, now: Optional[datetime] = None) -> bool:
        since = ((now or _now()) - self._window).isoformat()
        with closing(self._connect()) as connection, connection:
            connection.execute("DELETE FROM link_failures WHERE at < ?", (since,))
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM link_failures WHERE sender_key = ? AND at >= ?", (sender_key, since)
            ).fetchone()
        return int(count) >= self._max_failures

    def record_failure(self, sender_key: str, now: Optional[datetime] = None) -> None:
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "INSERT INTO link_failures (sender_key, at) VALUES (?, ?)", (sender_key, (now or _now()).isoformat())
            )
