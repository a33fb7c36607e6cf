from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerTopic
from actions.pathfinder import ActionPathfinderResult, ValidatePathfinderForm
from trackers import tracker_with, user_event

FITTING = {
    "pf_position": "skilled_job",
    "pf_qualification": "vocational",
    "pf_recognition": "yes",
    "pf_regulated": "no",
    "pf_salary": 52000.0,
    "pf_collective_agreement": "no",
    "pf_age_45": "no",
    "pf_abroad": "yes",
}


async def offered_payloads(answers: dict) -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event("ja", "affirm")], slots={"language": "de", **answers})
    await ActionPathfinderResult().run(dispatcher, tracker, {})
    return [button["payload"] for button in dispatcher.messages[-1]["buttons"]]


async def test_a_case_that_fits_is_offered_the_registration_first() -> None:
    assert (await offered_payloads(FITTING))[0] == "/start_intake"


async def test_a_case_without_prospect_is_offered_a_person_first() -> None:
    assert (await offered_payloads({**FITTING, "pf_position": "helper_job", "pf_qualification": "none"}))[
        0
    ] == "/request_human"


def salary_answer(text: str) -> list:
    return [
        {"event": "slot", "name": "requested_slot", "value": "pf_salary"},
        user_event(text, "ask_salary_threshold"),
    ]


async def test_an_amount_is_the_salary_even_when_it_sounds_like_the_threshold_topic() -> None:
    tracker = tracker_with(
        salary_answer("60000 Euro brutto"), slots={"requested_slot": "pf_salary"}, active_loop="pathfinder_form"
    )
    tracker.latest_message["intent"]["confidence"] = 0.99
    extracted = ValidatePathfinderForm().read_requested("pf_salary", CollectingDispatcher(), tracker)
    assert extracted == {"pf_salary": 60000.0, "failed_attempts": 0.0}


async def test_a_question_with_an_amount_stays_a_question() -> None:
    tracker = tracker_with(
        salary_answer("Reichen 40000 Euro für die Blaue Karte?"),
        slots={"requested_slot": "pf_salary"},
        active_loop="pathfinder_form",
    )
    tracker.latest_message["intent"]["confidence"] = 0.99
    assert ValidatePathfinderForm().read_requested("pf_salary", CollectingDispatcher(), tracker) == {}


async def test_the_topic_is_not_answered_when_the_message_already_answered_the_form() -> None:
    events = [*salary_answer("60000 Euro brutto"), {"event": "slot", "name": "pf_salary", "value": 60000.0}]
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(
        dispatcher, tracker_with(events, slots={"language": "de"}, active_loop="pathfinder_form"), {}
    )
    assert dispatcher.messages == []
    await ActionAnswerTopic().run(
        dispatcher,
        tracker_with(
            salary_answer("Wie hoch ist die Gehaltsgrenze?"), slots={"language": "de"}, active_loop="pathfinder_form"
        ),
        {},
    )
    assert "50.700" in dispatcher.messages[0]["text"]
