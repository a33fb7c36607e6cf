"""Rasa's SQL tracker store (SQLite in the embedded default, PostgreSQL in production) that can
forget a conversation on request and drop conversations that ended long ago.

"Delete my data" is an explicit operation (`forget_requested`), called by the channels once the turn
in which `action_delete_my_data` ran is stored (channels/erasure.py): deleting from inside the action
would not work, since Rasa appends the turn's events after the action returns."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from conversation_store import event_types
from state_store.local_state import private_file

DELETION_ACTION = "action_delete_my_data"

event_types.install()  # every Rasa server of Lotse loads this store: stored events read without a class search each


def events_after_deletion(tracker: DialogueStateTracker) -> Optional[List[Event]]:
    """The events after the latest `action_delete_my_data`, or None if it never ran."""
    events = list(tracker.events)
    positions = [
        index
        for index, event in enumerate(events)
        if isinstance(event, ActionExecuted) and event.action_name == DELETION_ACTION
    ]
    return events[positions[-1] + 1 :] if positions else None


async def forget_requested(store: TrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
    """Carries out a "delete my data" stored in the conversation: every event up to the latest
    `action_delete_my_data` is deleted, the events after it stay. Returns the conversation as it was
    (so the caller can forget what else it names), None when no deletion was waiting. The caller holds
    the conversation's lock."""
    sql_store = configured_store(store)
    if isinstance(sql_store, ForgettingSQLTrackerStore) and not sql_store.asked_for_deletion(sender_id):
        return None  # the usual turn: one indexed query instead of reading the whole conversation
    tracker = await store.retrieve_full_tracker(sender_id)
    kept = events_after_deletion(tracker) if tracker is not None else None
    if tracker is None or kept is None:
        return None
    if not isinstance(sql_store, ForgettingSQLTrackerStore):
        raise TypeError(f"{type(sql_store).__name__} cannot forget a conversation")
    sql_store.delete_conversation(sender_id)
    slots = sql_store.domain.slots if sql_store.domain else None
    await sql_store.save(DialogueStateTracker.from_events(sender_id, kept, slots=slots))
    return tracker


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    """WAL: a commit writes (and syncs) the log once instead of a rollback journal and the file; readers
    (the insights tail) do not block the writer. As the bot's state stores (state_store/engine.py)."""
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def configured_store(store: TrackerStore) -> TrackerStore:
    """The store of the endpoints file inside Rasa's wrappers (its fail-safe and awaitable stores)."""
    while isinstance(getattr(store, "_tracker_store", None), TrackerStore):
        store = store._tracker_store
    return store


class ForgettingSQLTrackerStore(SQLTrackerStore):
    engine: Any  # Rasa's SQLAlchemy engine (1.4, untyped in the Rasa venv)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("dialect", "sqlite") == "sqlite" and kwargs.get("db"):
            private_file(Path(str(kwargs["db"])))  # conversations hold personal data: owner only
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._keep_connections_open()

    def _keep_connections_open(self) -> None:
        """SQLAlchemy 1.4 opens and closes a SQLite file for every session (its NullPool), several times
        per turn; a pool keeps the connections open (what SQLAlchemy 2.0 does by default)."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
        sa.event.listen(self.engine, "connect", _write_ahead_log)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        """Rasa's own query and tracker, reading only the events' JSON column instead of building an ORM
        object of every row first (half of loading a conversation, which the server does every turn)."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            events = [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def asked_for_deletion(self, sender_id: str) -> bool:
        """Whether the conversation's stored events hold an `action_delete_my_data` (Rasa keeps each
        event's action name in a column of its own)."""
        event = self.SQLEvent
        with self.session_scope() as session:
            found = (
                session.query(event.id)
                .filter(
                    event.sender_id == sender_id,
                    event.type_name == ActionExecuted.type_name,
                    event.action_name == DELETION_ACTION,
                )
                .first()
            )
        return found is not None

    def delete_conversation(self, sender_id: str) -> int:
        """Removes every event of the conversation (all its sessions); returns how many."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return int(deleted)

    def delete_ended_before(self, cutoff_timestamp: float) -> int:
        """Removes conversations whose latest event is older than the cutoff (a UNIX time);
        returns how many conversations."""
        event = self.SQLEvent
        ended = (
            sa.select(event.sender_id).group_by(event.sender_id).having(sa.func.max(event.timestamp) < cutoff_timestamp)
        )
        with self.session_scope() as session:
            senders = [sender for (sender,) in session.execute(ended)]
            for start in range(0, len(senders), 500):
                batch = senders[start : start + 500]
                session.query(event).filter(event.sender_id.in_(batch)).delete(synchronize_session=False)
            session.commit()
        return len(senders)


def retention_cutoff(now_timestamp: float, retention: timedelta) -> float:
    return now_timestamp - retention.total_seconds()


def store_from_endpoints(endpoints_file: str) -> ForgettingSQLTrackerStore:
    """The tracker store the Rasa server uses, built from the same endpoints file."""
    from rasa.core.utils import read_endpoints_from_path

    config: Any = read_endpoints_from_path(endpoints_file).tracker_store
    if config is None or not str(config.type).endswith(ForgettingSQLTrackerStore.__name__):
        raise ValueError(f"{endpoints_file} does not configure {ForgettingSQLTrackerStore.__name__}")
    return ForgettingSQLTrackerStore(host=config.url, **config.kwargs)
