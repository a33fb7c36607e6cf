"""Small persistent state of the connectors, in the bot side's state store (`state_store/`): the
embedded default's `var/channels.sqlite3`, or the PostgreSQL database of `LOTSE_BOT_STATE_URL` shared
by every Rasa replica.

Holds Teams conversation references (for proactive notices), WhatsApp service-window times,
offered choices and language choices, and payloads too long for a provider's button id.
Keys that would identify a person (phone numbers, chat ids) are stored only as keyed pseudonyms
(`state_store.local_state`); "delete my data" removes every entry of the conversation.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import Column, Index, Table, Text, delete, select

from state_store.engine import adopt_legacy_table, insert_for, metadata, prepared_engine, state_url
from state_store.local_state import pseudonym, var_dir

STORE_FILE_NAME = "channels.sqlite3"
SCHEMA_VERSION = 1
DEFAULT_KEPT_DAYS = 30.0  # as long as a conversation (LOTSE_CONVERSATION_RETENTION_DAYS)
__all__ = ["ConnectorStore", "PayloadRefs", "pseudonymous_key", "var_dir"]

entries_table = Table(
    "connector_entries",
    metadata,
    Column("namespace", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),  # JSON
    Column("written_at", Text, nullable=False),  # ISO 8601, UTC
    Index("ix_connector_entries_written", "written_at"),
)
_entry = entries_table.c


def pseudonymous_key(identifier: str) -> str:
    """A stable keyed pseudonym of a person's identifier (a keyed HMAC, not a plain hash)."""
    return pseudonym(identifier, "connector")


def kept_for() -> timedelta:
    return timedelta(days=float(os.environ.get("LOTSE_CONVERSATION_RETENTION_DAYS", DEFAULT_KEPT_DAYS)))


class ConnectorStore:
    """A JSON value per (namespace, key), shared by every replica that uses the same database; an
    entry not written for `kept_for()` is deleted by the next write."""

    def __init__(self, path: Optional[Path] = None) -> None:
        url = f"sqlite:///{path}" if path else state_url(var_dir() / STORE_FILE_NAME)
        self._engine = prepared_engine(url, "connector_entries", SCHEMA_VERSION, (entries_table,))
        adopt_legacy_table(
            self._engine,
            "entries",
            "INSERT OR IGNORE INTO connector_entries SELECT namespace, key, value, :now FROM entries",
            now=datetime.now(timezone.utc).isoformat(),
        )

    @classmethod
    def shared(cls) -> ConnectorStore:
        """The process's store: `LOTSE_BOT_STATE_URL`, else the file in `LOTSE_VAR_DIR`."""
        return cls()

    def get(self, namespace: str, key: str) -> Optional[Any]:
        with self._engine.connect() as connection:
            value = connection.execute(
                select(_entry.value).where((_entry.namespace == namespace) & (_entry.key == key))
            ).scalar()
        return json.loads(value) if value is not None else None

    def put(self, namespace: str, key: str, value: Any) -> None:
        now = datetime.now(timezone.utc)
        values = {"value": json.dumps(value), "written_at": now.isoformat()}
        with self._engine.begin() as connection:
            connection.execute(delete(entries_table).where(_entry.written_at < (now - kept_for()).isoformat()))
            connection.execute(
                insert_for(connection, entries_table)
                .values(namespace=namespace, key=key, **values)
                .on_conflict_do_update(index_elements=["namespace", "key"], set_=values)
            )

    def forget_conversation(self, sender_id: str) -> int:
        """Removes every entry kept for this conversation, under its id or its pseudonym; returns how many."""
        with self._engine.begin() as connection:
            removed = connection.execute(
                delete(entries_table).where(_entry.key.in_([sender_id, pseudonymous_key(sender_id)]))
            )
        return int(removed.rowcount)


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
