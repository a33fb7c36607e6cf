"""Small persistent state of the connectors, in one SQLite file under `LOTSE_VAR_DIR`.

Holds Teams conversation references (for proactive notices), WhatsApp service-window times,
offered choices and language choices, and payloads too long for a provider's button id.
Keys that would identify a person (phone numbers, chat ids) are stored only as keyed pseudonyms
(`state_store.local_state`); "delete my data" removes every entry of the conversation.
"""

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Optional

from state_store.local_state import private_file, pseudonym, var_dir

STORE_FILE_NAME = "channels.sqlite3"
__all__ = ["ConnectorStore", "PayloadRefs", "pseudonymous_key", "var_dir"]


def pseudonymous_key(identifier: str) -> str:
    """A stable key for a person's identifier that does not reveal it (a keyed HMAC, not a plain hash)."""
    return pseudonym(identifier, "connector")


class ConnectorStore:
    """A JSON value per (namespace, key); safe to share between threads of one process."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(private_file(path)), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries ("
            " namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
            " PRIMARY KEY (namespace, key))"
        )

    @classmethod
    def in_var_dir(cls) -> "ConnectorStore":
        return cls(var_dir() / STORE_FILE_NAME)

    def get(self, namespace: str, key: str) -> Optional[Any]:
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM entries WHERE namespace = ? AND key = ?", (namespace, key)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, namespace: str, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO entries (namespace, key, value) VALUES (?, ?, ?)",
                (namespace, key, json.dumps(value)),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def forget_conversation(self, sender_id: str) -> int:
        """Removes every entry kept for this conversation, under its id or its pseudonym; returns how many."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM entries WHERE key IN (?, ?)", (sender_id, pseudonymous_key(sender_id))
            )
        return int(cursor.rowcount)


class PayloadRefs:
    """Keeps button payloads within a provider's size limit by swapping long ones for short refs."""

    NAMESPACE = "payload_refs"
    PREFIX = "~ref:"

    def __init__(self, store: ConnectorStore, max_bytes: int) -> None:
        self._store = store
        self._max_bytes = max_bytes

    def encode(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= self._max_bytes and not payload.startswith(self.PREFIX):
            return payload
        ref = self.PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        self._store.put(self.NAMESPACE, ref, payload)
        return ref

    def decode(self, data: str) -> Optional[str]:
        """The payload behind `data`; None for a ref this store does not know."""
        if not data.startswith(self.PREFIX):
            return data
        return self._store.get(self.NAMESPACE, data)
