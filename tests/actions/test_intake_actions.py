from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.intake import ActionAskConsent, ValidateIntakeForm
from bot.messages import text
from conftest import tracker_with, user_event


@pytest.mark.parametrize(
    ("typed", "expected_message"),
    [("max at firma punkt de", "invalid_email_no_at"), ("max@firma", "invalid_email_domain"), ("max@@firma.de", "invalid_email")],
)
async def test_invalid_email_gets_a_specific_explanation(typed: str, expected_message: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event(typed, "inform")], slots={"language": "en"})
    result = await ValidateIntakeForm().validate_contact_email(typed, dispatcher, tracker, {})
    assert result == {"contact_email": None}
    assert dispatcher.messages[0]["text"] == text(expected_message, "en")


async def test_valid_email_is_normalised() -> None:
    tracker = tracker_with([user_event(" Max@Firma.DE ", "inform")], slots={"language": "de"})
    result = await ValidateIntakeForm().validate_contact_email(" Max@Firma.DE ", CollectingDispatcher(), tracker, {})
    assert result == {"contact_email": "Max@firma.de"}


@pytest.mark.parametrize(("typed", "business_type"), [("Handwerk", "craft"), ("Industrie und Handel", "industry_trade"), ("neither", "neither"), ("craft", "craft")])
async def test_business_type_is_understood(typed: str, business_type: str) -> None:
    tracker = tracker_with([user_event(typed, "inform")], slots={"language": "de"})
    result = await ValidateIntakeForm().validate_business_type(typed, CollectingDispatcher(), tracker, {})
    assert result == {"business_type": business_type}


async def test_unclear_business_type_is_asked_again_with_buttons() -> None:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event("Bananen", "inform")], slots={"language": "de"})
    result = await ValidateIntakeForm().validate_business_type("Bananen", dispatcher, tracker, {})
    assert result == {"business_type": None}
    assert len(dispatcher.messages[0]["buttons"]) == 3


async def test_consent_question_shows_summary_routing_and_privacy_settings() -> None:
    dispatcher = CollectingDispatcher()
    slots = {"language": "de", "company_name": "Tischlerei Eiche", "business_type": "craft", "occupation": "Tischler", "contact_email": "a@eiche.de"}
    await ActionAskConsent().run(dispatcher, tracker_with([user_event("a@eiche.de", "inform")], slots=slots), {})
    message = dispatcher.messages[0]["text"]
    for expected in ("Tischlerei Eiche", "Handwerk", "Tischler", "a@eiche.de", "Handwerkskammer Hannover", "Art. 6 Abs. 1 lit. a DSGVO"):
        assert expected in message
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]


def _asked(slot: str, text: str, intent: str, confidence: float):
    event = user_event(text, intent)
    event["parse_data"]["intent"]["confidence"] = confidence
    return tracker_with([event], slots={"language": "de", "requested_slot": slot})


async def test_an_answer_misread_as_a_weak_question_is_still_taken() -> None:
    tracker = _asked("company_name", "Nordlicht Software AG", "bot_challenge", 0.4)
    assert await ValidateIntakeForm().extract_company_name(CollectingDispatcher(), tracker, {}) == {"company_name": "Nordlicht Software AG"}


async def test_a_confident_question_in_between_is_not_taken_as_the_answer() -> None:
    tracker = _asked("company_name", "Was kostet das Verfahren?", "ask_fee_procedure", 0.97)
    assert await ValidateIntakeForm().extract_company_name(CollectingDispatcher(), tracker, {}) == {}


async def test_a_button_payload_is_not_a_free_text_answer() -> None:
    tracker = _asked("company_name", '/inform{"business_type": "craft"}', "inform", 1.0)
    assert await ValidateIntakeForm().extract_company_name(CollectingDispatcher(), tracker, {}) == {}


async def test_only_the_requested_slot_is_extracted() -> None:
    tracker = _asked("occupation", "Tischler", "inform", 0.9)
    assert await ValidateIntakeForm().extract_company_name(CollectingDispatcher(), tracker, {}) == {}
    assert await ValidateIntakeForm().extract_occupation(CollectingDispatcher(), tracker, {}) == {"occupation": "Tischler"}
