"""C12: new cases are limited per client address as well as per conversation."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import intake
from bot.texts import text
from trackers import tracker_with, user_event

SLOTS = {
    "language": "en",
    "consent": True,
    "company_name": "Firma",
    "contact_email": "a@b.de",
    "occupation": "Tischler",
}


async def submit(sender: str, client_key: str) -> str:
    tracker = tracker_with([user_event("yes", "affirm", metadata={"client_key": client_key})], slots=SLOTS)
    tracker.sender_id = sender
    dispatcher = CollectingDispatcher()
    await intake.ActionSubmitCase().run(dispatcher, tracker, {})
    return dispatcher.messages[0]["text"]


async def test_many_conversations_from_one_address_hit_the_address_limit(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LOTSE_BACKEND_URL", "http://127.0.0.1:9")  # down: the cases wait in the outbox
    monkeypatch.setattr(intake, "CASES_PER_ADDRESS_PER_DAY", 3)
    replies = [await submit(f"conversation-{number}", "address-a") for number in range(4)]
    assert all("LT-2026-" in reply for reply in replies[:3])
    assert replies[3] == text("too_many_cases_from_address", "en")
    assert "LT-2026-" in await submit("conversation-9", "address-b"), "another address is not affected"
