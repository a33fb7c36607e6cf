"""The mapping's conversation state, kept across restarts in the state store (`state_store/`): the
embedded default's `var/insights_state.sqlite3`, or the PostgreSQL database of `LOTSE_BOT_STATE_URL`.

One row per conversation under the scrubbed event stream's sender pseudonym (a keyed hash, never the
conversation id), holding codes only: channel, language, persona, whether a session awaits its first
answer, and the open intake with the slot it asked last. Written after each batch's facts are stored
and before the batch is acknowledged, so the state never lags behind what the queue or the cursor
will not deliver again; a replay after a crash in between maps onto state that already saw it, which
yields the same fact ids. Rows go when the mapping forgets the conversation (a day without events)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Set

from sqlalchemy import Column, Float, String, Table, Text, delete, insert, select

from insights.mapping import Conversation, Intake
from state_store.engine import metadata, prepared_engine, state_url

STORE = "insights_conversations"
SCHEMA_VERSION = 1
SQLITE_FILE = "insights_state.sqlite3"

conversations_table = Table(
    "insight_open_conversations",
    metadata,
    Column("sender_key", String(64), primary_key=True),
    Column("last_timestamp", Float, nullable=False),
    Column("state", Text, nullable=False),  # JSON of the fields below
)
_column = conversations_table.c


def state_of(conversation: Conversation) -> Dict[str, Any]:
    intake = conversation.intake
    return {
        "channel": conversation.channel,
        "language": conversation.language,
        "persona": conversation.persona,
        "session_pending": conversation.session_pending,
        "heard": conversation.heard,
        "intake": None if intake is None else {"question": intake.question, "form_closed": intake.form_closed},
    }


def conversation_of(last_timestamp: float, state: Dict[str, Any]) -> Conversation:
    intake = state.get("intake")
    return Conversation(
        last_timestamp=last_timestamp,
        channel=str(state.get("channel", "other")),
        language=str(state.get("language", "other")),
        persona=str(state.get("persona", "unknown")),
        session_pending=bool(state.get("session_pending")),
        heard=bool(state.get("heard")),
        intake=Intake(intake.get("question"), bool(intake.get("form_closed"))) if isinstance(intake, dict) else None,
    )


class OpenConversations:
    def __init__(self, url: str) -> None:
        self._engine = prepared_engine(url, STORE, SCHEMA_VERSION, (conversations_table,))

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> "OpenConversations":
        return cls(state_url(var_dir / SQLITE_FILE))

    def load(self) -> Dict[str, Conversation]:
        with self._engine.begin() as connection:
            rows = connection.execute(select(_column.sender_key, _column.last_timestamp, _column.state)).all()
        return {sender: conversation_of(last, json.loads(state)) for sender, last, state in rows}

    def save(self, changed: Dict[str, Conversation], forgotten: Set[str]) -> None:
        """One transaction: the changed conversations replaced, the forgotten ones deleted."""
        senders = set(changed) | forgotten
        if not senders:
            return
        rows = [
            {"sender_key": sender, "last_timestamp": c.last_timestamp, "state": json.dumps(state_of(c))}
            for sender, c in changed.items()
        ]
        with self._engine.begin() as connection:
            connection.execute(delete(conversations_table).where(_column.sender_key.in_(senders)))
            if rows:
                connection.execute(insert(conversations_table), rows)
