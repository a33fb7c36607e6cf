"""A durable outbox: every confirmed case is written here first, so no case is lost while the
backend is slow or down. The reference is the key, so retries never create a duplicate. A case
still undelivered after `MAX_ATTEMPTS` becomes a dead letter (outcome `dead_letter`): no more
retries, counted by `python -m actions.outbox status`, back in the queue with `… requeue <reference>`.

Several action servers may share it (`LOTSE_BOT_STATE_URL` on PostgreSQL): a case is delivered by
whoever claimed it. The submit action claims its case when it stores it; the outbox worker claims due
cases with `SELECT … FOR UPDATE SKIP LOCKED`. A claim moves the next attempt a lease ahead, so a
worker that dies holding cases loses them when the lease ends and the next pass takes them.

A case may carry the key of the consent turn that submitted it (`turn_key`, unique): a turn run again
after its server died (nginx's retry, the client's resend) finds the case its first run stored and
sends the same reference and body again, which the backend answers with its idempotent `200`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, List, Mapping, Optional

from sqlalchemy import Column, Index, Integer, Table, Text, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from actions.settings import var_dir
from bot.backoff import backoff, wait_after
from state_store.engine import metadata, prepared_engine, state_url

# After the n-th failed attempt of a case or an erasure request: 5 s, 10 s, 20 s, … doubling, at most 10 min.
RETRY_BACKOFF = backoff(first=timedelta(seconds=5), longest=timedelta(minutes=10))
MAX_ATTEMPTS = int(os.environ.get("LOTSE_OUTBOX_MAX_ATTEMPTS", "200"))  # at 10 minutes apart: over a day
DEAD_LETTER = "dead_letter"
CLAIM_LEASE = timedelta(minutes=10)  # well above a pass: at most CLAIM_BATCH cases × the backend timeout
CLAIM_BATCH = 50
SCHEMA_VERSION = 2
UPGRADES = (
    (2, "ALTER TABLE outbox ADD COLUMN turn_key TEXT"),
    (2, "CREATE UNIQUE INDEX IF NOT EXISTS ix_outbox_turn_key ON outbox (turn_key)"),
)

# Times are ISO 8601 text in UTC, as in the SQLite files written before this layer.
outbox_table = Table(
    "outbox",
    metadata,
    Column("reference", Text, primary_key=True),
    Column("sender_key", Text, nullable=False),
    Column("body", Text),
    Column("created_at", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Text, nullable=False),
    Column("delivered_at", Text),
    Column("outcome", Text),
    # the consent turn that stored it (actions/intake.py, `turn_key`): a pseudonym and event positions, no content
    Column("turn_key", Text),
    Index("ix_outbox_turn_key", "turn_key", unique=True),
)
_column = outbox_table.c
# "delete my data" for cases the backend already has: the references wait here until it confirms
erasures_table = Table(
    "erasures",
    metadata,
    Column("reference", Text, primary_key=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Text, nullable=False),
)
_erasure = erasures_table.c


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class PendingCase:
    reference: str
    body: dict
    attempts: int


@dataclass(frozen=True)
class StoredCase:
    """A case as the outbox holds it: `outcome` None while it waits; `body` None once its personal data is gone."""

    reference: str
    body: Optional[dict]
    attempts: int
    outcome: Optional[str]


def _waiting() -> ColumnElement:
    return _column.delivered_at.is_(None) & _column.body.isnot(None) & _column.outcome.is_(None)


class Outbox:
    def __init__(self, path: Optional[Path] = None) -> None:
        url = f"sqlite:///{path}" if path else state_url(var_dir() / "outbox.sqlite3")
        self._engine = prepared_engine(url, "outbox", SCHEMA_VERSION, (outbox_table, erasures_table), UPGRADES)

    def put(
        self,
        reference: str,
        sender_key: str,
        body: Mapping[str, Any],
        claimed: bool = False,
        turn_key: Optional[str] = None,
    ) -> Optional[StoredCase]:
        """Stores the case unless its reference or its `turn_key` is already there (the first case
        wins). `claimed`: the caller delivers it at once, and the worker takes it only after the lease,
        if the caller died. With a `turn_key`, returns the case stored for that turn: this one, or the
        one an earlier run of the same turn stored."""
        now = _now()
        values = {
            "reference": reference,
            "sender_key": sender_key,
            "body": json.dumps(dict(body), sort_keys=True),
            "created_at": now.isoformat(),
            "next_attempt_at": (now + CLAIM_LEASE if claimed else now).isoformat(),
            "turn_key": turn_key,
        }
        with self._engine.begin() as connection:
            insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
            connection.execute(insert(outbox_table).values(**values).on_conflict_do_nothing())
            return self._of_turn(connection, turn_key) if turn_key else None

    def case_of_turn(self, turn_key: str) -> Optional[StoredCase]:
        """The case an earlier run of this consent turn stored, if any."""
        with self._engine.connect() as connection:
            return self._of_turn(connection, turn_key)

    @staticmethod
    def _of_turn(connection: Connection, turn_key: str) -> Optional[StoredCase]:
        found = select(_column.reference, _column.body, _column.attempts, _column.outcome)
        row = connection.execute(found.where(_column.turn_key == turn_key)).first()
        if row is None:
            return None
        return StoredCase(row.reference, json.loads(row.body) if row.body else None, row.attempts, row.outcome)

    def claim(self, now: Optional[datetime] = None, limit: int = CLAIM_BATCH) -> List[PendingCase]:
        """Takes up to `limit` due cases for this worker until the lease ends; other workers skip them."""
        moment = now or _now()
        due = (
            select(_column.reference, _column.body, _column.attempts)
            .where(_waiting() & (_column.next_attempt_at <= moment.isoformat()))
            .order_by(_column.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self._engine.begin() as connection:
            rows = connection.execute(due).all()
            if rows:
                held = update(outbox_table).where(_column.reference.in_([row.reference for row in rows]))
                connection.execute(held.values(next_attempt_at=(moment + CLAIM_LEASE).isoformat()))
        return [PendingCase(row.reference, json.loads(row.body), row.attempts) for row in rows]

    @staticmethod
    def _update(connection: Connection, key: str, **values: Any) -> None:
        connection.execute(update(outbox_table).where(_column.reference == key).values(**values))

    def mark_done(self, reference: str, outcome: str) -> None:
        with self._engine.begin() as connection:
            self._update(connection, reference, delivered_at=_now().isoformat(), outcome=outcome)

    def mark_retry(self, reference: str, attempts: int, max_attempts: Optional[int] = None) -> bool:
        """Counts a failed attempt; returns True when that was the last and the case is a dead letter."""
        delay = wait_after(RETRY_BACKOFF, attempts + 1)
        dead = attempts + 1 >= (max_attempts or MAX_ATTEMPTS)
        with self._engine.begin() as connection:
            self._update(
                connection,
                reference,
                attempts=attempts + 1,
                next_attempt_at=(_now() + delay).isoformat(),
                outcome=DEAD_LETTER if dead else None,
            )
        return dead

    def rename(self, case: PendingCase, reference: str) -> PendingCase:
        """The case under a new reference (the old one belongs to another case in the backend)."""
        body = {**case.body, "reference": reference}
        with self._engine.begin() as connection:
            self._update(connection, case.reference, reference=reference, body=json.dumps(body, sort_keys=True))
        return PendingCase(reference, body, case.attempts)

    def requeue(self, reference: str) -> bool:
        back = (
            update(outbox_table)
            .where((_column.reference == reference) & (_column.outcome == DEAD_LETTER))
            .values(outcome=None, attempts=0, next_attempt_at=_now().isoformat())
        )
        with self._engine.begin() as connection:
            return connection.execute(back).rowcount == 1

    def figures(self) -> dict:
        """How many cases wait, were delivered or settled, and are dead letters (with their references)."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(_column.reference, _column.delivered_at, _column.outcome)).all()
        dead = sorted(reference for reference, delivered, outcome in rows if outcome == DEAD_LETTER)
        waiting = sum(1 for _, delivered, outcome in rows if delivered is None and outcome is None)
        return {
            "waiting": waiting,
            "dead_letters": len(dead),
            "dead_letter_references": dead,
            "settled": len(rows) - waiting - len(dead),
        }

    def is_delivered(self, reference: str) -> bool:
        with self._engine.connect() as connection:
            delivered = connection.execute(select(_column.delivered_at).where(_column.reference == reference)).scalar()
        return bool(delivered)

    def forget_sender(self, sender_key: str) -> None:
        """Removes the personal data of every case this conversation queued; delivered ones are the
        backend's to delete, undelivered ones are dropped."""
        forget = (
            update(outbox_table)
            .where(_column.sender_key == sender_key)
            .values(
                body=None,
                outcome=func.coalesce(_column.outcome, "withdrawn"),
                delivered_at=func.coalesce(_column.delivered_at, _now().isoformat()),
            )
        )
        with self._engine.begin() as connection:
            connection.execute(forget)

    def delivered_references(self, sender_key: str) -> List[str]:
        """The references of this conversation's cases that reached the backend."""
        delivered = select(_column.reference).where(
            (_column.sender_key == sender_key) & _column.outcome.in_(("created", "already_there"))
        )
        with self._engine.connect() as connection:
            return list(connection.execute(delivered).scalars())

    def queue_erasures(self, references: List[str]) -> None:
        if not references:
            return
        now = _now().isoformat()
        with self._engine.begin() as connection:
            insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
            rows = [{"reference": reference, "next_attempt_at": now} for reference in references]
            connection.execute(insert(erasures_table).values(rows).on_conflict_do_nothing())

    def erasures_due(self, now: Optional[datetime] = None) -> List[tuple]:
        """References whose erasure request is due, with their attempts so far."""
        moment = (now or _now()).isoformat()
        due = (
            select(_erasure.reference, _erasure.attempts)
            .where(_erasure.next_attempt_at <= moment)
            .order_by(_erasure.reference)
        )
        with self._engine.connect() as connection:
            return [tuple(row) for row in connection.execute(due)]

    def erasures_done(self, references: List[str]) -> None:
        with self._engine.begin() as connection:
            connection.execute(erasures_table.delete().where(_erasure.reference.in_(references)))

    def erasure_retry(self, reference: str, attempts: int) -> None:
        delay = wait_after(RETRY_BACKOFF, attempts + 1)
        retry = (
            update(erasures_table)
            .where(_erasure.reference == reference)
            .values(attempts=attempts + 1, next_attempt_at=(_now() + delay).isoformat())
        )
        with self._engine.begin() as connection:
            connection.execute(retry)

    def purge_personal_data(self, older_than: timedelta, now: Optional[datetime] = None) -> int:
        """Drops the case body of delivered entries older than `older_than`; returns how many."""
        cutoff = ((now or _now()) - older_than).isoformat()
        purge = (
            update(outbox_table)
            .where(_column.body.isnot(None) & _column.delivered_at.isnot(None) & (_column.delivered_at < cutoff))
            .values(body=None)
        )
        with self._engine.begin() as connection:
            return connection.execute(purge).rowcount

    def cases_since(self, sender_key: str, since: datetime) -> int:
        """How many cases this conversation queued since `since` (for the per-sender limit)."""
        count = select(func.count()).where(
            (_column.sender_key == sender_key) & (_column.created_at >= since.isoformat())
        )
        with self._engine.connect() as connection:
            return int(connection.execute(count.select_from(outbox_table)).scalar())


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.outbox", description="the bot's outbox of cases")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="print how many cases wait and how many are dead letters (JSON)")
    requeue = commands.add_parser("requeue", help="put a dead letter back into the queue")
    requeue.add_argument("reference")
    arguments = parser.parse_args(argv)
    outbox = Outbox()
    if arguments.command == "status":
        print(json.dumps(outbox.figures(), indent=2))
        return 0
    if outbox.requeue(arguments.reference):
        return 0
    print(f"{arguments.reference} is not a dead letter", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
