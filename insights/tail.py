"""The embedded default's source: new rows of the SQL tracker store (`events` in
var/conversations.sqlite3), read by id after a cursor kept in var/insights-cursor.json, scrubbed
exactly as the RabbitMQ broker scrubs (conversation_store.scrubbing) and fed to the same mapping.

Rasa's own SQL event broker would need a second database and writes the unscrubbed events; the
tracker store already holds them in order, and reading it costs one indexed query a second."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Tuple

from conversation_store.scrubbing import scrub_event
from insights.pump import Pump

logger = logging.getLogger(__name__)
CURSOR_FILE = "insights-cursor.json"
BATCH = 500
POLL_SECONDS = 1.0

Row = Tuple[int, str, str]


def read_rows(database: Path, after: int, limit: int = BATCH) -> List[Row]:
    if not database.exists():
        return []
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            query = "SELECT id, sender_id, data FROM events WHERE id > ? ORDER BY id LIMIT ?"
            return list(connection.execute(query, (after, limit)))
    except sqlite3.OperationalError as error:  # no events table yet, or the file is locked for a moment
        logger.info("insights: tracker store not readable yet (%s)", error)
        return []


def count_rows_after(database: Path, after: int) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM events WHERE id > ?", (after,)).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def event_of(row: Row, sender_key: bytes) -> Dict[str, Any]:
    _, sender_id, data = row
    try:
        event = json.loads(data)
    except ValueError:
        return {}
    return scrub_event({**event, "sender_id": sender_id}, sender_key) if isinstance(event, dict) else {}


class Cursor:
    def __init__(self, path: Path) -> None:
        self._path = path

    def load(self) -> int:
        try:
            return int(json.loads(self._path.read_text())["last_id"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def save(self, last_id: int) -> None:
        partial = self._path.with_suffix(".tmp")
        partial.write_text(json.dumps({"last_id": last_id}))
        partial.replace(self._path)


async def run_tail(pump: Pump, database: Path, sender_key: bytes, stop: asyncio.Event) -> None:
    cursor = Cursor(pump.var_dir / CURSOR_FILE)
    last_id = cursor.load()
    while not stop.is_set():
        rows = read_rows(database, last_id)
        await pump.deliver(event_of(row, sender_key) for row in rows)
        if rows:
            last_id = rows[-1][0]
            cursor.save(last_id)
        pump.status.backlog = count_rows_after(database, last_id)
        await pump.publish_status()
        if len(rows) < BATCH:
            try:
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)
            except asyncio.TimeoutError:
                pass
