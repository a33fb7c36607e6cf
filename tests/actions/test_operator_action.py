from __future__ import annotations

from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.operator import ActionSetOperator
from bot.operator import assistant_of
from trackers import tracker_with, user_event


async def run(tracker) -> dict:
    events = await ActionSetOperator().run(CollectingDispatcher(), tracker, {})
    return {event["name"]: event["value"] for event in events}


async def test_first_message_fills_the_operator_in_both_languages() -> None:
    tracker = tracker_with([user_event("Hallo", "greet")])
    assert await run(tracker) == {"assistant_of_de": assistant_of("de"), "assistant_of_en": assistant_of("en")}


async def test_unchanged_settings_set_nothing_again() -> None:
    slots = {"assistant_of_de": assistant_of("de"), "assistant_of_en": assistant_of("en")}
    assert await run(tracker_with([user_event("Hallo", "greet")], slots=slots)) == {}


async def test_a_changed_settings_file_is_taken_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = tmp_path / "operator.yml"
    custom.write_text('assistant_of: {de: "Kammer X", en: "Chamber X"}\n', encoding="utf-8")
    monkeypatch.setenv("LOTSE_OPERATOR_FILE", str(custom))
    slots = {"assistant_of_de": "alt", "assistant_of_en": "Chamber X"}
    assert await run(tracker_with([user_event("Hallo", "greet")], slots=slots)) == {"assistant_of_de": "Kammer X"}
