from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ActionAskConsent, ValidateIntakeForm
from bot.texts import text
from trackers import tracker_with, user_event


def asked(
    slot: str, typed: str, intent: str = "inform", confidence: float = 0.95, slots: dict | None = None, entities=None
):
    event = user_event(typed, intent, entities)
    event["parse_data"]["intent"]["confidence"] = confidence
    return tracker_with([event], slots={"language": "en", "requested_slot": slot, **(slots or {})})


async def extract(slot: str, tracker) -> tuple[dict, list]:
    dispatcher = CollectingDispatcher()
    result = ValidateIntakeForm().read_requested(slot, dispatcher, tracker)
    return result, [message["text"] for message in dispatcher.messages]


@pytest.mark.parametrize(
    ("typed", "expected_message"),
    [
        ("max at firma punkt de", "invalid_email_no_at"),
        ("max@firma", "invalid_email_domain"),
        ("max@@firma.de", "invalid_email"),
    ],
)
async def test_invalid_email_gets_a_specific_explanation(typed: str, expected_message: str) -> None:
    result, said = await extract("contact_email", asked("contact_email", typed))
    assert result == {"contact_email": None, "failed_attempts": 1.0}
    assert said == [text(expected_message, "en")]


async def test_valid_email_is_normalised() -> None:
    result, _ = await extract("contact_email", asked("contact_email", " Max@Firma.DE "))
    assert result == {"contact_email": "Max@firma.de", "failed_attempts": 0.0}


@pytest.mark.parametrize(
    ("typed", "business_type"),
    [("Handwerk", "craft"), ("Industrie und Handel", "industry_trade"), ("neither", "neither")],
)
async def test_business_type_is_understood(typed: str, business_type: str) -> None:
    result, _ = await extract("business_type", asked("business_type", typed))
    assert result["business_type"] == business_type


@pytest.mark.parametrize(
    ("typed", "place"),
    [("Garbsn", "garbsen"), ("in 30823 Garbsen", "garbsen"), ("Neustadt a. Rbge.", "neustadt_am_ruebenberge")],
)
async def test_workplace_is_matched_with_typos(typed: str, place: str) -> None:
    result, _ = await extract("workplace_municipality", asked("workplace_municipality", typed))
    assert result["workplace_municipality"] == place


@pytest.mark.parametrize(
    "typed", ["Hildesheim", "Lehre", "Gehrde", "Peine bei Hannover", "Celle, nahe Hannover", "31224"]
)
async def test_a_place_outside_the_region_is_named_as_outside_with_a_way_out(typed: str) -> None:
    result, said = await extract("workplace_municipality", asked("workplace_municipality", typed))
    assert result["workplace_municipality"] is None
    assert said == [text("municipality_outside_region", "en")]


async def test_an_unknown_place_is_asked_again() -> None:
    result, said = await extract("workplace_municipality", asked("workplace_municipality", "Kleinkleckersdorf"))
    assert result["workplace_municipality"] is None and said == [text("invalid_municipality", "en")]


@pytest.mark.parametrize(
    ("slot", "message"),
    [("workplace_municipality", "municipality_which_town"), ("residence_municipality", "residence_which_town")],
)
async def test_the_region_as_a_whole_is_asked_which_town(slot: str, message: str) -> None:
    result, said = await extract(slot, asked(slot, "Region Hannover"))
    assert result[slot] is None and said == [text(message, "en")]


@pytest.mark.parametrize(
    ("slot", "typed", "place"),
    [
        ("workplace_municipality", "Steinhude", "wunstorf"),
        ("workplace_municipality", "Lehrte", "lehrte"),
        ("residence_municipality", "Misburg", "hannover"),
        ("residence_municipality", "30989", "gehrden"),
    ],
)
async def test_districts_and_postcodes_resolve_to_their_municipality(slot: str, typed: str, place: str) -> None:
    result, _ = await extract(slot, asked(slot, typed))
    assert result[slot] == place


async def test_a_residence_outside_the_region_says_which_office_then_applies() -> None:
    result, said = await extract("residence_municipality", asked("residence_municipality", "Peine"))
    assert result["residence_municipality"] is None and said == [text("residence_outside_region", "en")]


@pytest.mark.parametrize(
    ("slot", "typed", "value"),
    [
        ("nationality", "Tunesien", "TN"),
        ("country_of_residence", "Morocco", "MA"),
        ("start_date", "01.03.2027", "2027-03-01"),
        ("family_members", "2", 2),
        ("contact_phone", "0511 123456", "+49511123456"),
        ("pf_salary", "4.500 € im Monat", 54000.0),
    ],
)
async def test_fields_are_read_with_their_libraries(slot: str, typed: str, value: object) -> None:
    result, _ = await extract(slot, asked(slot, typed))
    assert result[slot] == value


async def test_optional_fields_can_be_skipped_but_required_ones_cannot() -> None:
    skip = [{"entity": "choice", "value": "skip"}]
    result, _ = await extract("contact_phone", asked("contact_phone", '/inform{"choice": "skip"}', entities=skip))
    assert result["contact_phone"] == "skipped"
    result, _ = await extract("contact_email", asked("contact_email", '/inform{"choice": "skip"}', entities=skip))
    assert result["contact_email"] is None


async def test_a_second_place_outside_the_region_is_told_again_not_counted_as_misunderstood() -> None:
    tracker = asked("workplace_municipality", "Lehre", slots={"failed_attempts": 1.0})
    result, said = await extract("workplace_municipality", tracker)
    assert "failed_attempts" not in result and said == [text("municipality_outside_region", "en")]


async def test_second_failure_is_counted_and_left_to_the_explanation_of_the_question() -> None:
    result, said = await extract("contact_email", asked("contact_email", "nope", slots={"failed_attempts": 1.0}))
    assert result["failed_attempts"] == 2.0
    assert said == []  # the ask action explains the question with an example instead (test_dialogue_repair)


async def test_an_answer_misread_as_a_weak_question_is_still_taken() -> None:
    result, _ = await extract("company_name", asked("company_name", "Nordlicht Software AG", "bot_challenge", 0.6))
    assert result["company_name"] == "Nordlicht Software AG"


async def test_a_confident_question_in_between_is_not_taken_as_the_answer() -> None:
    result, said = await extract(
        "company_name", asked("company_name", "Was kostet das Verfahren?", "ask_fee_procedure", 0.97)
    )
    assert result == {} and said == []


async def test_a_button_payload_is_not_a_free_text_answer() -> None:
    result, _ = await extract("company_name", asked("company_name", '/inform{"business_type": "craft"}'))
    assert result["company_name"] is None


async def test_questions_already_answered_by_the_path_finder_are_not_asked_again() -> None:
    slots = {"pf_qualification": "vocational", "pf_recognition": "yes", "pf_salary": 52000.0}
    tracker = asked("company_name", "Firma", slots=slots)
    needed = await ValidateIntakeForm().required_slots([], CollectingDispatcher(), tracker, {})
    assert "pf_qualification" in needed  # answered slots stay in the list but are not requested again
    assert tracker.get_slot("pf_salary") == 52000.0


async def test_consent_question_shows_summary_routing_and_privacy_settings() -> None:
    dispatcher = CollectingDispatcher()
    slots = {
        "language": "de",
        "company_name": "Tischlerei Eiche",
        "business_type": "craft",
        "occupation": "Tischler",
        "contact_email": "a@eiche.de",
        "workplace_municipality": "garbsen",
        "residence_municipality": "hannover",
    }
    await ActionAskConsent().run(dispatcher, tracker_with([user_event("a@eiche.de", "inform")], slots=slots), {})
    message = dispatcher.messages[0]["text"]
    for expected in (
        "Tischlerei Eiche",
        "Handwerk",
        "Garbsen",
        "Tischler",
        "a@eiche.de",
        "Handwerkskammer Hannover",
        "Art. 6 Abs. 1 lit. a DSGVO",
        "Landeshauptstadt",
    ):
        assert expected in message
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]


async def test_ticket_creation_is_limited_per_sender(tmp_path, monkeypatch) -> None:
    from actions import intake
    from actions.outbox import Outbox

    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    outbox = Outbox()
    for number in range(intake.CASES_PER_SENDER_PER_DAY):
        outbox.put(f"LT-2026-AAAAA{number}", intake.sender_key(tracker_with([])), {"reference": number})
    dispatcher = CollectingDispatcher()
    slots = {"language": "en", "consent": True, "company_name": "Firma", "contact_email": "a@b.de"}
    events = await intake.ActionSubmitCase().run(
        dispatcher, tracker_with([user_event("yes", "affirm")], slots=slots), {}
    )
    assert dispatcher.messages[0]["text"] == text("too_many_cases", "en")
    assert not any(event.get("name") == "case_reference" for event in events)


async def test_only_the_requested_slot_is_extracted() -> None:
    events = await ValidateIntakeForm().get_extraction_events(
        CollectingDispatcher(), asked("contact_email", "max@firma.de"), {}
    )
    assert events == [
        {"event": "slot", "timestamp": None, "name": "contact_email", "value": "max@firma.de"},
        {"event": "slot", "timestamp": None, "name": "failed_attempts", "value": 0.0},
    ]
    at_the_summary = asked("consent", "max@firma.de")
    assert await ValidateIntakeForm().get_extraction_events(CollectingDispatcher(), at_the_summary, {}) == []


async def test_a_question_asked_with_the_request_to_register_is_answered_when_the_intake_starts() -> None:
    dispatcher = CollectingDispatcher()
    message = "We have the signed contract. How long does it take? Please open the case for us."
    tracker = tracker_with([user_event(message, "start_intake")], slots={"language": "en"}, active_loop="intake_form")
    await ValidateIntakeForm().run(dispatcher, tracker, {"forms": {"intake_form": {"required_slots": []}}})
    assert "4 months" in dispatcher.messages[0]["text"]
