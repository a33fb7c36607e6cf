"""The bot's memory of status notices, in one SQLite file under `LOTSE_VAR_DIR`: every event id
received (so a replay is recognised, also after a restart), the notices not yet told, and which
conversation opened a case, for channels that can write first (Teams)."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from state_store.local_state import private_file, var_dir

STORE_FILE_NAME = "status_notices.sqlite3"
KEPT_FOR = timedelta(days=30)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notices ("
    " event_id TEXT PRIMARY KEY, reference TEXT NOT NULL, status TEXT NOT NULL, changed_at TEXT NOT NULL,"
    " received_at TEXT NOT NULL, told_at TEXT)",
    "CREATE INDEX IF NOT EXISTS ix_notices_reference ON notices (reference, told_at)",
    "CREATE TABLE IF NOT EXISTS conversations ("
    " reference TEXT PRIMARY KEY, channel TEXT NOT NULL, sender_id TEXT NOT NULL, seen_at TEXT NOT NULL)",
)


@dataclass(frozen=True)
class Notice:
    event_id: str
    reference: str
    status: str
    changed_at: str  # ISO 8601 with offset, as the backend sent it


@dataclass(frozen=True)
class Conversation:
    channel: str
    sender_id: str


def _now() -> datetime:
    return datetime.now(timezone.utc)


class NoticeStore:
    """Safe to share between the threads of one process; several processes may open the file."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(private_file(path)), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def accept(self, notice: Notice) -> bool:
        """Keeps a new notice; False when its event id was received before (a replay or a redelivery)."""
        now = _now()
        with self._lock:
            self._db.execute("DELETE FROM notices WHERE received_at < ?", ((now - KEPT_FOR).isoformat(),))
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO notices (event_id, reference, status, changed_at, received_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (notice.event_id, notice.reference, notice.status, notice.changed_at, now.isoformat()),
            )
        return cursor.rowcount == 1

    def latest_untold(self, references: Iterable[str]) -> List[Notice]:
        """Per reference, the newest notice not told yet, unless a newer one was told already."""
        latest: Dict[str, Notice] = {}
        with self._lock:
            for reference in dict.fromkeys(references):
                rows = self._db.execute(
                    "SELECT event_id, reference, status, changed_at, told_at FROM notices"
                    " WHERE reference = ? ORDER BY changed_at DESC LIMIT 1",
                    (reference,),
                ).fetchall()
                if rows and rows[0][4] is None:
                    latest[reference] = Notice(*rows[0][:4])
        return list(latest.values())

    def claim(self, notice: Notice) -> bool:
        """Marks the notice and every older one of its case as told; False if another turn was quicker."""
        now = _now().isoformat()
        with self._lock:
            cursor = self._db.execute(
                "UPDATE notices SET told_at = ? WHERE event_id = ? AND told_at IS NULL", (now, notice.event_id)
            )
            self._db.execute(
                "UPDATE notices SET told_at = ? WHERE reference = ? AND changed_at <= ? AND told_at IS NULL",
                (now, notice.reference, notice.changed_at),
            )
        return cursor.rowcount == 1

    def release(self, notice: Notice) -> None:
        """Undoes a claim whose message could not be sent, so the next turn tells it."""
        with self._lock:
            self._db.execute("UPDATE notices SET told_at = NULL WHERE event_id = ?", (notice.event_id,))

    def has_untold(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM notices WHERE told_at IS NULL LIMIT 1").fetchone() is not None

    def remember(self, reference: str, conversation: Conversation) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO conversations (reference, channel, sender_id, seen_at) VALUES (?, ?, ?, ?)",
                (reference, conversation.channel, conversation.sender_id, _now().isoformat()),
            )

    def forget_conversation(self, sender_id: str, references: Iterable[str]) -> None:
        """ "Delete my data": which cases this conversation opened, and the notices of those cases."""
        with self._lock:
            self._db.execute("DELETE FROM conversations WHERE sender_id = ?", (sender_id,))
            for reference in dict.fromkeys(references):
                self._db.execute("DELETE FROM notices WHERE reference = ?", (reference,))
                self._db.execute("DELETE FROM conversations WHERE reference = ?", (reference,))

    def conversation_of(self, reference: str) -> Optional[Conversation]:
        with self._lock:
            row = self._db.execute(
                "SELECT channel, sender_id FROM conversations WHERE reference = ?", (reference,)
            ).fetchone()
        return Conversation(*row) if row else None


_opened: Dict[Path, NoticeStore] = {}


def shared_store() -> NoticeStore:
    """The process's store in `LOTSE_VAR_DIR`, opened on first use."""
    path = var_dir() / STORE_FILE_NAME
    if path not in _opened:
        _opened[path] = NoticeStore(path)
    return _opened[path]
