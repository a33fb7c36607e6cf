"""A durable outbox: every confirmed case is written here first, so no case is lost while the
backend is slow or down. The reference is the key, so retries never create a duplicate. A case
still undelivered after `MAX_ATTEMPTS` becomes a dead letter (outcome `dead_letter`): no more
retries, counted by `python -m actions.outbox status`, back in the queue with `… requeue <reference>`."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from actions.settings import var_dir
from conversation_store.local_state import private_file

RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = int(os.environ.get("LOTSE_OUTBOX_MAX_ATTEMPTS", "200"))  # at 10 minutes apart: over a day
DEAD_LETTER = "dead_letter"

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
# "delete my data" for cases the backend already has: the references wait here until it confirms
_ERASURES_SCHEMA = """
CREATE TABLE IF NOT EXISTS erasures (
    reference TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL
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
        private_file(self._path)
        with closing(self._connect()) as connection, connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(_SCHEMA)
            connection.execute(_ERASURES_SCHEMA)

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
                " WHERE delivered_at IS NULL AND body IS NOT NULL AND outcome IS NULL AND next_attempt_at <= ?"
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

    def mark_retry(self, reference: str, attempts: int, max_attempts: Optional[int] = None) -> bool:
        """Counts a failed attempt; returns True when that was the last and the case is a dead letter."""
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
        dead = attempts + 1 >= (max_attempts or MAX_ATTEMPTS)
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "UPDATE outbox SET attempts = ?, next_attempt_at = ?, outcome = ? WHERE reference = ?",
                (attempts + 1, (_now() + delay).isoformat(), DEAD_LETTER if dead else None, reference),
            )
        return dead

    def rename(self, case: PendingCase, reference: str) -> PendingCase:
        """The case under a new reference (the old one belongs to another case in the backend)."""
        body = {**case.body, "reference": reference}
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "UPDATE outbox SET reference = ?, body = ? WHERE reference = ?",
                (reference, json.dumps(body, sort_keys=True), case.reference),
            )
        return PendingCase(reference, body, case.attempts)

    def requeue(self, reference: str) -> bool:
        with closing(self._connect()) as connection, connection:
            cursor = connection.execute(
                "UPDATE outbox SET outcome = NULL, attempts = 0, next_attempt_at = ? WHERE reference = ? AND outcome = ?",
                (_now().isoformat(), reference, DEAD_LETTER),
            )
        return cursor.rowcount == 1

    def figures(self) -> dict:
        """How many cases wait, were delivered or settled, and are dead letters (with their references)."""
        with closing(self._connect()) as connection:
            rows = connection.execute("SELECT reference, delivered_at, outcome FROM outbox").fetchall()
        dead = sorted(reference for reference, delivered, outcome in rows if outcome == DEAD_LETTER)
        waiting = sum(1 for _, delivered, outcome in rows if delivered is None and outcome is None)
        return {
            "waiting": waiting,
            "dead_letters": len(dead),
            "dead_letter_references": dead,
            "settled": len(rows) - waiting - len(dead),
        }

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

    def delivered_references(self, sender_key: str) -> list:
        """The references of this conversation's cases that reached the backend."""
        with closing(self._connect()) as connection:
            rows = connection.execute(
                "SELECT reference FROM outbox WHERE sender_key = ? AND outcome IN ('created', 'already_there')",
                (sender_key,),
            ).fetchall()
        return [reference for (reference,) in rows]

    def queue_erasures(self, references: list) -> None:
        now = _now().isoformat()
        with closing(self._connect()) as connection, connection:
            connection.executemany(
                "INSERT OR IGNORE INTO erasures (reference, next_attempt_at) VALUES (?, ?)",
                [(reference, now) for reference in references],
            )

    def erasures_due(self, now: Optional[datetime] = None) -> list:
        """References whose erasure request is due, with their attempts so far."""
        moment = (now or _now()).isoformat()
        with closing(self._connect()) as connection:
            return connection.execute(
                "SELECT reference, attempts FROM erasures WHERE next_attempt_at <= ? ORDER BY reference", (moment,)
            ).fetchall()

    def erasures_done(self, references: list) -> None:
        with closing(self._connect()) as connection, connection:
            connection.executemany(
                "DELETE FROM erasures WHERE reference = ?", [(reference,) for reference in references]
            )

    def erasure_retry(self, reference: str, attempts: int) -> None:
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS) - 1)]
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "UPDATE erasures SET attempts = ?, next_attempt_at = ? WHERE reference = ?",
                (attempts + 1, (_now() + delay).isoformat(), reference),
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
