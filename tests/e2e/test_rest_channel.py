"""The bot through its REST channel: both languages, answers from the knowledge file, hardening."""

from __future__ import annotations

import httpx
import pytest

from bot.operator import assistant_of
from conftest import Conversation


def test_german_greeting_discloses_an_automated_assistant_and_offers_buttons(german: Conversation) -> None:
    messages = german.say("Hallo")
    assert "automatisierter Assistent" in messages[0]["text"]
    assert assistant_of("de") in messages[0]["text"] and "{" not in messages[0]["text"]  # settings/operator.yml
    assert {"title": "Fall anmelden", "payload": "/start_intake"} in messages[0]["buttons"]


def test_english_greeting_discloses_an_automated_assistant(english: Conversation) -> None:
    greeting = english.say_text("Hello")
    assert "automated assistant" in greeting and assistant_of("en") in greeting


def test_bot_challenge_names_the_operator_not_an_authority(german: Conversation) -> None:
    german.say_text("Hallo")
    reply = german.say_text("Bist du ein Bot?")
    assert assistant_of("de") in reply and "keine Behörde" in reply


def test_fee_answer_states_411_euro_with_source_in_german(german: Conversation) -> None:
    text = german.say_text("Was kostet das beschleunigte Fachkräfteverfahren?")
    assert "411" in text
    assert "AufenthV" in text


def test_fee_answer_in_english(english: Conversation) -> None:
    text = english.say_text("How much is the fee for the accelerated procedure?")
    assert "411" in text
    assert "AufenthV" in text


def test_duration_answer_gives_about_four_months(german: Conversation, english: Conversation) -> None:
    assert "4 Monate" in german.say_text("Wie lange dauert das ganze Verfahren?")
    assert "4 months" in english.say_text("How long does the whole procedure take?")


def test_responsibility_answer_names_the_zentralstelle(german: Conversation, english: Conversation) -> None:
    assert "Zentralstelle" in german.say_text("Wer ist für das beschleunigte Verfahren zuständig?")
    assert "Zentralstelle" in english.say_text("Which authority is responsible for the accelerated procedure?")


def test_language_is_detected_without_channel_metadata(undeclared: Conversation) -> None:
    assert "automated assistant" in undeclared.say_text("Hello, good morning!")


def test_explicit_switch_to_english_then_answers_in_english(german: Conversation) -> None:
    german.say("Hallo")
    assert "English" in german.say_text("English please")
    assert "automated assistant" in german.say_text("hi")


def test_unknown_language_gets_a_bilingual_note(german: Conversation) -> None:
    text = german.say_text("Bonjour, je voudrais embaucher un soudeur de Tunisie pour mon entreprise")
    assert "nur Deutsch und Englisch" in text and "only speak German and English" in text


def test_gibberish_gets_a_clarification_then_a_human_contact(german: Conversation) -> None:
    first = german.say("blorf quux zzzt")
    assert first[0].get("buttons"), "the clarification offers buttons"
    second = german.say_text("fnord wibble grmpf")
    assert "0541 66888 200" in second


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Hallo"},
        {"sender": 42, "message": "Hallo"},
        {"sender": "abc", "message": None},
        {"sender": "abc"},
        {"sender": "abc", "message": "x" * 2001},
        {"sender": "abc", "message": "Hallo", "metadata": "de"},
        ["not", "an", "object"],
    ],
)
def test_malformed_requests_get_400_with_a_json_error(bot_url: str, body: object) -> None:
    answer = httpx.post(f"{bot_url}/webhooks/rest/webhook", json=body, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"]


def test_invalid_json_gets_400(bot_url: str) -> None:
    answer = httpx.post(
        f"{bot_url}/webhooks/rest/webhook", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400


def test_two_senders_do_not_share_a_conversation(bot_url: str) -> None:
    first, second = Conversation(bot_url, "de"), Conversation(bot_url, "de")
    assert "Unternehmen" in first.say_text("Ich möchte einen Fall zur Vorprüfung anmelden")
    assert "Kammer" not in second.say_text("Tischlerei Müller GmbH")
    assert "Kammer" in first.say_text("Tischlerei Müller GmbH")
