from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.pathfinder import ActionPathfinderResult
from trackers import tracker_with, user_event

FITTING = {"pf_position": "skilled_job", "pf_qualification": "vocational", "pf_recognition": "yes", "pf_regulated": "no",
           "pf_salary": 52000.0, "pf_collective_agreement": "no", "pf_age_45": "no", "pf_abroad": "yes"}


async def offered_payloads(answers: dict) -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event("ja", "affirm")], slots={"language": "de", **answers})
    await ActionPathfinderResult().run(dispatcher, tracker, {})
    return [button["payload"] for button in dispatcher.messages[-1]["buttons"]]


async def test_a_case_that_fits_is_offered_the_registration_first() -> None:
    assert (await offered_payloads(FITTING))[0] == "/start_intake"


async def test_a_case_without_prospect_is_offered_a_person_first() -> None:
    assert (await offered_payloads({**FITTING, "pf_position": "helper_job", "pf_qualification": "none"}))[0] == "/request_human"
