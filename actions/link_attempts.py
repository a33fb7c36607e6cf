"""Wrong link codes per conversation, kept in the state store (the embedded default's
`var/link_attempts.sqlite3`, or the PostgreSQL database of `LOTSE_BOT_STATE_URL` shared by every
action server), so that neither a restart nor another replica resets the limit. Only the
conversation's pseudonym and the time are stored."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import Column, Index, Table, Text, delete, func, insert, select

from actions.settings import var_dir
from state_store.engine import metadata, prepared_engine, state_url

MAX_FAILURES = int(os.environ.get("LOTSE_LINK_MAX_FAILURES", "5"))
WINDOW = timedelta(minutes=int(os.environ.get("LOTSE_LINK_FAILURE_WINDOW_MINUTES", "15")))
SCHEMA_VERSION = 1

failures_table = Table(
    "link_failures",
    metadata,
    Column("sender_key", Text, nullable=False),
    Column("at", Text, nullable=False),  # ISO 8601, UTC
    Index("ix_link_failures_sender_at", "sender_key", "at"),
)
_column = failures_table.c


def _now() -> datetime:
    return datetime.now(timezone.utc)


class LinkAttempts:
    def __init__(
        self, path: Optional[Path] = None, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW
    ) -> None:
        url = f"sqlite:///{path}" if path else state_url(var_dir() / "link_attempts.sqlite3")
        self._engine = prepared_engine(url, "link_attempts", SCHEMA_VERSION, (failures_table,))
        self._max_failures = max_failures
        self._window = window

    def blocked(self, sender_key: str, now: Optional[datetime] = None) -> bool:
        since = ((now or _now()) - self._window).isoformat()
        with self._engine.begin() as connection:
            connection.execute(delete(failures_table).where(_column.at < since))
            count = connection.execute(
                select(func.count())
                .select_from(failures_table)
                .where((_column.sender_key == sender_key) & (_column.at >= since))
            ).scalar()
        return int(count) >= self._max_failures

    def record_failure(self, sender_key: str, now: Optional[datetime] = None) -> None:
        with self._engine.begin() as connection:
            connection.execute(insert(failures_table).values(sender_key=sender_key, at=(now or _now()).isoformat()))
