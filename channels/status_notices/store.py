"""The bot's memory of status notices, in the bot side's state store (`state_store/`): the embedded
default's `var/status_notices.sqlite3`, or the PostgreSQL database of `LOTSE_BOT_STATE_URL` shared by
every Rasa replica. It holds every event id received (so a replay is recognised, also after a
restart and on another replica), the notices not yet told, and which conversation opened a case,
for channels that can write first (Teams).

A notice is told by whoever claims it: the claim is one conditional `UPDATE … WHERE told_at IS NULL
AND no live claim`, so of two replicas (or two turns) only one changes the row. A claim is a lease
(`CLAIM_LEASE`): the notice counts as told (`told_at`) only when the channel confirms that its message
went out (`confirm`: for the REST channel once the answer was written to the open connection); a claim
released (the turn failed or was cancelled) or never confirmed (the replica died) lets a later turn tell
it again. Notices and the reference → conversation map are kept `KEPT_FOR` (30 days, as long as a
conversation) after their last use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from sqlalchemy import Column, Index, Table, Text, delete, select, update
from sqlalchemy.engine import Connection

from state_store.engine import adopt_legacy_table, insert_for, metadata, prepared_engine, state_url
from state_store.local_state import var_dir

STORE_FILE_NAME = "status_notices.sqlite3"
KEPT_FOR = timedelta(days=30)
# Longer than any turn (nginx gives one 30 s): a live turn's claim does not lapse before it confirms.
CLAIM_LEASE = timedelta(seconds=90)
SCHEMA_VERSION = 2
UPGRADES = ((2, "ALTER TABLE status_notices ADD COLUMN claimed_until TEXT"),)

# Times are ISO 8601 text in UTC (the same format everywhere, so text order is time order).
notices_table = Table(
    "status_notices",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("reference", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("changed_at", Text, nullable=False),
    Column("received_at", Text, nullable=False),
    Column("told_at", Text),
    Column("claimed_until", Text),  # a claim not yet confirmed, until then (schema version 2)
    Index("ix_status_notices_reference_changed", "reference", "changed_at"),
    Index("ix_status_notices_told", "told_at"),
    Index("ix_status_notices_received", "received_at"),
)
conversations_table = Table(
    "status_notice_conversations",
    metadata,
    Column("reference", Text, primary_key=True),
    Column("channel", Text, nullable=False),
    Column("sender_id", Text, nullable=False),
    Column("seen_at", Text, nullable=False),
    Index("ix_status_notice_conversations_sender", "sender_id"),
    Index("ix_status_notice_conversations_seen", "seen_at"),
)
_notice = notices_table.c
_conversation = conversations_table.c


@dataclass(frozen=True)
class Notice:
    event_id: str
    reference: str
    status: str
    changed_at: str  # ISO 8601 in UTC


@dataclass(frozen=True)
class Conversation:
    channel: str
    sender_id: str


def _now() -> datetime:
    return datetime.now(timezone.utc)


class NoticeStore:
    """Safe to share between threads, processes and replicas that use the same database."""

    def __init__(self, path: Optional[Path] = None) -> None:
        url = f"sqlite:///{path}" if path else state_url(var_dir() / STORE_FILE_NAME)
        self._engine = prepared_engine(
            url, "status_notices", SCHEMA_VERSION, (notices_table, conversations_table), UPGRADES
        )
        adopt_legacy_table(
            self._engine,
            "notices",
            "INSERT OR IGNORE INTO status_notices (event_id, reference, status, changed_at, received_at, told_at)"
            " SELECT event_id, reference, status, changed_at, received_at, told_at FROM notices",
        )
        adopt_legacy_table(
            self._engine,
            "conversations",
            "INSERT OR IGNORE INTO status_notice_conversations SELECT reference, channel, sender_id, seen_at"
            " FROM conversations",
        )

    def accept(self, notice: Notice) -> bool:
        """Keeps a new notice; False when its event id was received before (a replay or a redelivery)."""
        now = _now()
        with self._engine.begin() as connection:
            _forget_older_than(connection, (now - KEPT_FOR).isoformat())
            kept = connection.execute(
                insert_for(connection, notices_table)
                .values(
                    event_id=notice.event_id,
                    reference=notice.reference,
                    status=notice.status,
                    changed_at=notice.changed_at,
                    received_at=now.isoformat(),
                )
                .on_conflict_do_nothing(index_elements=["event_id"])
            )
        return kept.rowcount == 1

    def latest_untold(self, references: Iterable[str]) -> List[Notice]:
        """Per reference, the newest notice not told yet, unless a newer one was told already."""
        latest: Dict[str, Notice] = {}
        with self._engine.connect() as connection:
            for reference in dict.fromkeys(references):
                newest = connection.execute(
                    select(_notice.event_id, _notice.reference, _notice.status, _notice.changed_at, _notice.told_at)
                    .where(_notice.reference == reference)
                    .order_by(_notice.changed_at.desc())
                    .limit(1)
                ).first()
                if newest is not None and newest.told_at is None:
                    latest[reference] = Notice(newest.event_id, newest.reference, newest.status, newest.changed_at)
        return list(latest.values())

    def claim(self, notice: Notice) -> bool:
        """Takes the notice to tell it, for `CLAIM_LEASE`; False if it was told, or another turn or
        replica holds a live claim (the conditional update changes the row for one of them only)."""
        now = _now()
        with self._engine.begin() as connection:
            claimed = connection.execute(
                update(notices_table)
                .where(
                    (_notice.event_id == notice.event_id)
                    & _notice.told_at.is_(None)
                    & (_notice.claimed_until.is_(None) | (_notice.claimed_until < now.isoformat()))
                )
                .values(claimed_until=(now + CLAIM_LEASE).isoformat())
            )
        return claimed.rowcount == 1

    def confirm(self, notice: Notice) -> None:
        """The claimed notice went out: it and every older one of its case count as told."""
        now = _now().isoformat()
        with self._engine.begin() as connection:
            connection.execute(
                update(notices_table)
                .where(
                    (_notice.reference == notice.reference)
                    & (_notice.changed_at <= notice.changed_at)
                    & _notice.told_at.is_(None)
                )
                .values(told_at=now, claimed_until=None)
            )

    def release(self, notice: Notice) -> None:
        """Undoes a claim whose message could not be sent, so the next turn tells it."""
        with self._engine.begin() as connection:
            connection.execute(
                update(notices_table)
                .where((_notice.event_id == notice.event_id) & _notice.told_at.is_(None))
                .values(claimed_until=None)
            )

    def has_untold(self) -> bool:
        with self._engine.connect() as connection:
            return (
                connection.execute(select(_notice.event_id).where(_notice.told_at.is_(None)).limit(1)).first()
                is not None
            )

    def remember(self, reference: str, conversation: Conversation) -> None:
        """Which conversation opened the case; refreshed after each of its turns (the retention counts from then)."""
        values = {"channel": conversation.channel, "sender_id": conversation.sender_id, "seen_at": _now().isoformat()}
        with self._engine.begin() as connection:
            connection.execute(
                insert_for(connection, conversations_table)
                .values(reference=reference, **values)
                .on_conflict_do_update(index_elements=["reference"], set_=values)
            )

    def forget_conversation(self, sender_id: str, references: Iterable[str]) -> None:
        """ "Delete my data": which cases this conversation opened, and the notices of those cases."""
        cases = list(dict.fromkeys(references))
        with self._engine.begin() as connection:
            connection.execute(delete(conversations_table).where(_conversation.sender_id == sender_id))
            if cases:
                connection.execute(delete(notices_table).where(_notice.reference.in_(cases)))
                connection.execute(delete(conversations_table).where(_conversation.reference.in_(cases)))

    def conversation_of(self, reference: str) -> Optional[Conversation]:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(_conversation.channel, _conversation.sender_id).where(_conversation.reference == reference)
            ).first()
        return Conversation(row.channel, row.sender_id) if row else None


def _forget_older_than(connection: Connection, cutoff: str) -> None:
    connection.execute(delete(notices_table).where(_notice.received_at < cutoff))
    connection.execute(delete(conversations_table).where(_conversation.seen_at < cutoff))


_opened: Dict[str, NoticeStore] = {}


def shared_store() -> NoticeStore:
    """The process's store (`LOTSE_BOT_STATE_URL`, else the file in `LOTSE_VAR_DIR`), opened on first use."""
    url = state_url(var_dir() / STORE_FILE_NAME)
    if url not in _opened:
        _opened[url] = NoticeStore()
    return _opened[url]
