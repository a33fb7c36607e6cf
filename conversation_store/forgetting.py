"""Rasa's SQL tracker store (SQLite in the embedded default, PostgreSQL in production) that
honours "delete my data" and can drop conversations that ended long ago.

The deletion happens when Rasa saves the turn in which `action_delete_my_data` ran: the store
holds the conversation lock then, so no later event of that turn can bring old events back
(deleting from inside the action would not work: Rasa appends the turn's events afterwards)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, List, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

DELETION_ACTION = "action_delete_my_data"


def events_after_deletion(tracker: DialogueStateTracker) -> Optional[List[Event]]:
    """The events after the latest `action_delete_my_data`, or None if it never ran."""
    events = list(tracker.events)
    positions = [
        index
        for index, event in enumerate(events)
        if isinstance(event, ActionExecuted) and event.action_name == DELETION_ACTION
    ]
    return events[positions[-1] + 1 :] if positions else None


class ForgettingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        kept = events_after_deletion(tracker)
        if kept is None:
            await super().save(tracker)
            return
        self.delete_conversation(tracker.sender_id)
        slots = self.domain.slots if self.domain else None
        await super().save(DialogueStateTracker.from_events(tracker.sender_id, kept, slots=slots))

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
