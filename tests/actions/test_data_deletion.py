"""Issue 15 P3, the action server's part of "delete my data": the conversation's queued cases lose
their personal data, and the backend is asked to erase the cases it has; while the backend cannot be
reached the request waits in the outbox and is retried (the real backend answers in the e2e test)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from trackers import tracker_with, user_event

from actions.backend_client import BackendClient
from actions.conversation import sender_key
from actions.data_deletion import ActionDeleteMyData
from actions.delivery import send_due_erasures
from actions.outbox import Outbox
from bot.texts import text

DELIVERED, QUEUED, NAMED = "LT-2026-AAAAA1", "LT-2026-BBBBB2", "LT-2026-CCCCC3"


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Outbox:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LOTSE_BACKEND_URL", "http://127.0.0.1:9")  # nothing listens
    return Outbox()


async def test_delete_my_data_drops_queued_cases_and_queues_the_backends_erasure(outbox: Outbox) -> None:
    tracker = tracker_with(
        [
            {"event": "slot", "name": "case_reference", "value": NAMED},
            user_event("Bitte löschen Sie meine Daten", "delete_my_data"),
        ]
    )
    mine = sender_key(tracker)
    outbox.put(DELIVERED, mine, {"reference": DELIVERED, "case": {"contact_email": "a@b.de"}})
    outbox.mark_done(DELIVERED, "created")
    outbox.put(QUEUED, mine, {"reference": QUEUED, "case": {"contact_email": "a@b.de"}})
    outbox.put("LT-2026-OTHER1", "someone-else", {"reference": "LT-2026-OTHER1"})

    dispatcher = CollectingDispatcher()
    events = await ActionDeleteMyData().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["text"] == text("data_deleted", "de")
    assert [event["event"] for event in events] == ["reset_slots", "restart"]
    assert [case.reference for case in outbox.claim()] == ["LT-2026-OTHER1"], "the queued case never leaves"
    waiting = dict(outbox.erasures_due(datetime.now(timezone.utc) + timedelta(minutes=1)))
    assert waiting == {DELIVERED: 1, NAMED: 1}, "the backend was not reachable: asked again later"


async def test_waiting_erasures_are_sent_again_until_the_backend_confirms(outbox: Outbox) -> None:
    outbox.queue_erasures([DELIVERED])
    assert await send_due_erasures(outbox, BackendClient()) == 1
    assert outbox.erasures_due() == [], "not due again before the back-off"
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    assert outbox.erasures_due(later) == [(DELIVERED, 1)]
    outbox.erasures_done([DELIVERED])
    assert outbox.erasures_due(later) == []
