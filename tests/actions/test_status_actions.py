"""C11 in the bot: the status form reads the reference and the case's e-mail; the lookup is
limited per conversation. (The backend's answers are tested in tests/backend and end to end.)"""

from __future__ import annotations


import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import status
from actions.status import ActionCaseStatus, ActionTellStatusNotice, ValidateStatusForm
from bot.texts import text
from trackers import tracker_with, user_event


def said_to(typed: str, intent: str = "inform", requested: str | None = None, **slots) -> object:
    return tracker_with([user_event(typed, intent)], slots={"language": "en", "requested_slot": requested, **slots})


async def extract(slot: str, tracker) -> tuple[dict, list]:
    dispatcher = CollectingDispatcher()
    result = await getattr(ValidateStatusForm(), f"extract_{slot}")(dispatcher, tracker, {})
    return result, [message["text"] for message in dispatcher.messages]


async def test_the_reference_is_read_from_the_question_itself() -> None:
    result, _ = await extract("status_reference", said_to("status of lt-2026-7k3qzd please", "ask_status"))
    assert result == {"status_reference": "LT-2026-7K3QZD"}


async def test_without_a_reference_the_case_of_this_conversation_is_offered() -> None:
    result, _ = await extract(
        "status_reference", said_to("what's the status?", "ask_status", case_reference="LT-2026-ABCDEF")
    )
    assert result == {"status_reference": "LT-2026-ABCDEF"}
    result, _ = await extract("status_reference", said_to("what's the status?", "ask_status"))
    assert result == {}


async def test_a_malformed_reference_is_explained() -> None:
    result, said = await extract("status_reference", said_to("LT-2026-12", requested="status_reference"))
    assert result == {"status_reference": None}
    assert said == [text("status_invalid_reference", "en")]


async def test_the_email_is_read_and_a_wrong_one_explained() -> None:
    result, _ = await extract("status_email", said_to("it is Anna@Eiche.de", requested="status_email"))
    assert result == {"status_email": "Anna@eiche.de"}
    result, said = await extract("status_email", said_to("anna at eiche", requested="status_email"))
    assert result == {"status_email": None} and said == [text("invalid_email", "en")]


async def test_lookups_are_limited_per_conversation(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LOTSE_BACKEND_URL", "http://127.0.0.1:9")  # nothing listens: the lookup is "unavailable"
    tracker = said_to("a@b.de", status_reference="LT-2026-ABCDEF", status_email="a@b.de")
    answers = []
    for _ in range(status.LOOKUPS_PER_SENDER_PER_HOUR + 1):
        dispatcher = CollectingDispatcher()
        events = await ActionCaseStatus().run(dispatcher, tracker, {})
        answers.append(dispatcher.messages[0]["text"])
        assert {(e["name"], e["value"]) for e in events} == {("status_reference", None), ("status_email", None)}
    assert answers[0] == text("status_unavailable", "en", reference="LT-2026-ABCDEF")
    assert answers[-1] == text("status_too_many_lookups", "en")


NOTICE_ENTITIES = [
    {"entity": "notice_event", "value": "3f2b9c0e5d6a4b7c"},
    {"entity": "notice_reference", "value": "LT-2026-7K3QZD"},
    {"entity": "notice_status", "value": "in_pre_check"},
]


async def tell_notice(metadata: dict, language: str = "en") -> list:
    event = user_event("EXTERNAL: EXTERNAL_status_notice", "EXTERNAL_status_notice", NOTICE_ENTITIES, metadata)
    dispatcher = CollectingDispatcher()
    assert await ActionTellStatusNotice().run(dispatcher, tracker_with([event], slots={"language": language}), {}) == []
    return dispatcher.messages


async def test_a_triggered_status_notice_is_said_in_the_conversations_language() -> None:
    [english] = await tell_notice({"is_external": True})
    assert english["text"] == "News on your case LT-2026-7K3QZD – new status: in pre-check."
    assert english["status_notice"] == "3f2b9c0e5d6a4b7c", "the channel finds the told notice by this mark"
    [german] = await tell_notice({"is_external": True}, "de")
    assert german["text"] == "Neuigkeiten zu Ihrem Fall LT-2026-7K3QZD – neuer Stand: in der Vorprüfung."


async def test_a_typed_external_intent_tells_nothing() -> None:
    assert await tell_notice({}) == [], '"/EXTERNAL_status_notice{…}" typed by a user is no notice'
