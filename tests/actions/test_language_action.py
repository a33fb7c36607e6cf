from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionSetLanguage
from trackers import tracker_with, user_event


async def run(tracker) -> dict:
    events = await ActionSetLanguage().run(CollectingDispatcher(), tracker, {})
    return {event["name"]: event["value"] for event in events}


async def test_first_message_takes_the_channel_language() -> None:
    tracker = tracker_with([user_event("Hallo", "greet", metadata={"language": "en"})])
    assert await run(tracker) == {"language": "en", "channel_language": "en"}


async def test_first_message_without_channel_language_is_detected() -> None:
    tracker = tracker_with([user_event("How much does the procedure cost?", "ask_fee_procedure")])
    assert await run(tracker) == {"language": "en"}


async def test_a_place_name_keeps_the_language() -> None:
    tracker = tracker_with([user_event("Garbsen", "inform")], slots={"language": "en"})
    assert await run(tracker) == {}


async def test_explicit_request_switches_even_without_entity() -> None:
    tracker = tracker_with([user_event("andere Sprache bitte", "switch_language")], slots={"language": "de"})
    assert await run(tracker) == {"language": "en"}


async def test_explicit_request_with_entity() -> None:
    entity = {"entity": "language", "value": "de", "start": 0, "end": 7}
    tracker = tracker_with([user_event("Deutsch please", "switch_language", [entity])], slots={"language": "en"})
    assert await run(tracker) == {"language": "de"}
