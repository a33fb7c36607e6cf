"""A durable outbox: every confirmed case is written here first, so no case is lost while the
backend is slow or down. The reference is the key, so retries never create a duplicate."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from actions.settings import var_dir

RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    reference TEXT PRIMARY KEY,
    sender_key TEXT NOT NULL,
    body TEXT,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at TEXT,
    outcome TEXT
)
"""


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class PendingCase:
    reference: str
    body: dict
    attempts: int


class Outbox:
    def __init__(self, path: Optional[Path] = None) -> None:
        self._path = path or var_dir() / "outbox.sqlite3"
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as connection, connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def put(self, reference: str, sender_key: str, body: Mapping[str, Any]) -> None:
        """Stores the case unless its reference is already there (the first body wins)."""
        now = _now().isoformat()
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "INSERT OR IGNORE INTO outbox (reference, sender_key, body, created_at, next_attempt_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (reference, sender_key, json.dumps(dict(body), sort_keys=True), now, now),
            )

    def due(self, now: Optional[datetime] = None) -> Iterator[PendingCase]:
        moment = (now or _now()).isoformat()
        with closing(self._connect()) as connection:
            rows = connection.execute(
                "SELECT reference, body, attempts FROM outbox"
                " WHERE delivered_at IS NULL AND body IS NOT NULL AND next_attempt_at <= ?"
                " ORDER BY created_at",
                (moment,),
            ).fetchall()
        for reference, body, attempts in rows:
            yield PendingCase(reference, json.loads(body), attempts)

    def mark_done(self, reference: str, outcome: str) -> None:
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "UPDATE outbox SET delivered_at = ?, outcome = ? WHERE reference = ?",
                (_now().isoformat(), outcome, reference),
            )

    def mark_retry(self, reference: str, attempts: int) -> None:
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE reference = ?",
                (attempts + 1, (_now() + delay).isoformat(), reference),
            )

    def is_delivered(self, reference: str) -> bool:
        with closing(self._connect()) as connection:
            row = connection.execute("SELECT delivered_at FROM outbox WHERE reference = ?", (reference,)).fetchone()
        return bool(row and row[0])

    def forget_sender(self, sender_key: str) -> None:
        """Removes the personal data of every case this conversation queued; delivered ones are the
        backend's to delete, undelivered ones are dropped."""
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "UPDATE outbox SET body = NULL, outcome = COALESCE(outcome, 'withdrawn'),"
                " delivered_at = COALESCE(delivered_at, ?) WHERE sender_key = ?",
                (_now().isoformat(), sender_key),
            )

    def purge_personal_data(self, older_than: timedelta, now: Optional[datetime] = None) -> int:
        """Drops the case body of delivered entries older than `older_than`; returns how many."""
        cutoff = ((now or _now()) - older_than).isoformat()
        with closing(self._connect()) as connection, connection:
            cursor = connection.execute(
                "UPDATE outbox SET body = NULL WHERE body IS NOT NULL AND delivered_at IS NOT NULL AND delivered_at < ?",
                (cutoff,),
            )
        return cursor.rowcount

    def cases_since(self, sender_key: str, since: datetime) -> int:
        """How many cases this conversation queued since `since` (for the per-sender limit)."""
        with closing(self._connect()) as connection:
            row = connection.execute(
                "SELECT count(*) FROM outbox WHERE sender_key = ? AND created_at >= ?", (sender_key, since.isoformat())
            ).fetchone()
        return int(row[0])
