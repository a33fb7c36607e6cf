"""Short answers reach the forms, misunderstood answers lead to an explanation, stray yes/no go somewhere."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue_repair import ActionReplyToYesNo
from actions.intake import ValidateIntakeForm
from actions.pathfinder import ASK_ACTIONS, ValidatePathfinderForm
from bot.texts import text
from trackers import tracker_with, user_event


def answered(slot: str, typed: str, intent: str = "inform", slots: dict | None = None):
    return tracker_with([user_event(typed, intent)], slots={"language": "en", "requested_slot": slot, **(slots or {})})


@pytest.mark.parametrize(
    ("slot", "typed", "intent", "value"),
    [
        ("pf_age_45", "38", "inform", "no"),
        ("pf_age_45", "no, she is 38", "deny", "no"),
        ("pf_age_45", "ja, er ist 52", "affirm", "yes"),
        ("pf_regulated", "no, that job is not regulated", "inform", "no"),
        ("pf_regulated", "nein, der Beruf ist nicht reglementiert", "ask_recognition_body", "no"),
        ("pf_abroad", "she already lives in Germany", "inform", "no"),
        ("pf_collective_agreement", "/affirm", "affirm", "yes"),
    ],
)
async def test_path_finder_yes_no_questions_take_answers_as_people_give_them(
    slot: str, typed: str, intent: str, value: str
) -> None:
    extracted = ValidatePathfinderForm().read_requested(slot, CollectingDispatcher(), answered(slot, typed, intent))
    assert extracted == {slot: value, "failed_attempts": 0.0}


@pytest.mark.parametrize(
    ("slot", "typed", "value"),
    [
        ("family_members", "my wife and our two kids", 3),
        ("family_members", "nobody comes along", 0),
        ("family_members", "meine Frau und zwei Kinder", 3),
        ("family_members", "niemand", 0),
        ("nationality", "ägyptisch", "EG"),
        ("nationality", "Filipino", "PH"),
        ("nationality", "indische", "IN"),
        ("nationality", "Moroccan", "MA"),
    ],
)
async def test_intake_takes_family_and_nationality_as_people_give_them(slot: str, typed: str, value: object) -> None:
    extracted = ValidateIntakeForm().read_requested(slot, CollectingDispatcher(), answered(slot, typed))
    assert extracted == {slot: value, "failed_attempts": 0.0}


async def test_path_finder_counts_misunderstood_answers() -> None:
    dispatcher = CollectingDispatcher()
    tracker = answered("pf_age_45", "hmm", slots={"failed_attempts": 0.0})
    assert ValidatePathfinderForm().read_requested("pf_age_45", dispatcher, tracker) == {
        "pf_age_45": None,
        "failed_attempts": 1.0,
    }
    assert dispatcher.messages[0]["text"] == text("pf_invalid_yes_no", "en")


@pytest.mark.parametrize(
    ("failures", "key"), [(0.0, "pf_ask_pf_age_45"), (1.0, "pf_ask_pf_age_45"), (2.0, "help_pf_age_45")]
)
async def test_after_two_misunderstood_answers_the_question_is_explained(failures: float, key: str) -> None:
    ask = next(action for action in ASK_ACTIONS if action().name() == "action_ask_pf_age_45")()
    dispatcher = CollectingDispatcher()
    await ask.run(dispatcher, answered("pf_age_45", "hmm", slots={"failed_attempts": failures}), {})
    assert dispatcher.messages[0]["text"] == text(key, "en")


def after(bot_text: str, typed: str, intent: str, response: str | None = None):
    bot = {"event": "bot", "text": bot_text, "metadata": {"utter_action": response} if response else {}}
    return tracker_with([bot, user_event(typed, intent)], slots={"language": "en"})


async def reply(tracker) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    return await ActionReplyToYesNo().run(dispatcher, tracker, {}), dispatcher


async def test_yes_after_the_path_finders_offer_starts_the_intake() -> None:
    events, _ = await reply(after(text("pf_result_offer", "en"), "yes", "affirm"))
    assert events == [{"event": "followup", "timestamp": None, "name": "intake_form"}]


async def test_yes_after_the_offer_of_a_person_gives_the_contact() -> None:
    events, dispatcher = await reply(after(text("pf_result_offer_no_prospect", "en"), "yes please", "affirm"))
    assert events == [] and dispatcher.messages[0]["text"]


async def test_yes_after_an_answer_offering_one_next_step_takes_it() -> None:
    offer = "What a case costs in total: ... If you like, I can then check your case with a few questions."
    tracker = after(offer, "yes", "affirm")
    tracker.events[0]["data"] = {"buttons": [{"title": "Check my case", "payload": "/start_pathfinder"}]}
    events, _ = await reply(tracker)
    assert events == [{"event": "followup", "timestamp": None, "name": "pathfinder_form"}]


async def test_yes_after_a_message_with_several_buttons_asks_what() -> None:
    tracker = after("Did you mean one of these?", "yes", "affirm")
    tracker.events[0]["data"] = {"buttons": [{"payload": "/ask_fee_visa"}, {"payload": "/request_human"}]}
    _, dispatcher = await reply(tracker)
    assert dispatcher.messages[0]["text"] == text("what_can_i_do", "en")


async def test_yes_to_anything_else_asks_what_with_buttons() -> None:
    _, dispatcher = await reply(
        after("Is there anything else I can help you with?", "yes", "affirm", "utter_anything_else")
    )
    assert dispatcher.messages[0]["text"] == text("what_can_i_do", "en")
    assert len(dispatcher.messages[0]["buttons"]) >= 4


async def test_no_to_anything_else_closes() -> None:
    _, dispatcher = await reply(
        after("Is there anything else I can help you with?", "no", "deny", "utter_anything_else")
    )
    assert dispatcher.messages[0]["text"] == text("anything_else_closing", "en")


async def test_no_to_an_offer_asks_whether_there_is_anything_else() -> None:
    _, dispatcher = await reply(after(text("pf_result_offer", "en"), "no thanks", "deny"))
    assert dispatcher.messages[0]["response"] == "utter_anything_else"


async def test_the_count_of_misunderstood_answers_survives_the_form_validation() -> None:
    required = ["pf_position", "pf_qualification", "pf_recognition", "pf_regulated", "pf_salary"]
    required += ["pf_collective_agreement", "pf_age_45", "pf_abroad"]
    domain = {"forms": {"pathfinder_form": {"required_slots": required}}, "slots": {}}
    answers = {"pf_position": "skilled_job", "pf_qualification": "none", "pf_salary": 60000.0}
    tracker = answered("pf_age_45", "hmm", slots={**answers, "pf_collective_agreement": "no", "failed_attempts": 1.0})
    events = await ValidatePathfinderForm().run(CollectingDispatcher(), tracker, domain)
    assert {"event": "slot", "timestamp": None, "name": "failed_attempts", "value": 2.0} in events
