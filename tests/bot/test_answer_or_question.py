"""`answer_or_question`: examples in German and English, each read by the slot's real reader (so
"readable" is what the form would find), with the intent and confidence the NLU could give."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

from bot.answer_or_question import INTERJECTION_CONFIDENCE, Kind, Said, answer_or_question
from bot.case_fields import read_reference
from bot.pathfinder_dialogue import read_salary
from bot.short_answers import read_age_45, read_family_count, read_yes_no

SURE, UNSURE = 0.97, 0.6


Reader = Callable[[str], Optional[Any]]
EXAMPLES: list[tuple[str, str, float, Reader, Kind]] = [
    # text, intent heard, confidence, the requested slot's reader, what the message is
    ("38", "inform", SURE, read_age_45, Kind.ANSWER),
    ("no, she is 38", "deny", 0.8, read_age_45, Kind.ANSWER),
    ("nein, sie ist 38", "deny", SURE, read_age_45, Kind.ANSWER),
    ("what does the recognition cost?", "ask_fee_recognition", SURE, read_age_45, Kind.QUESTION),
    ("Wie lange dauert das?", "ask_duration_total", SURE, read_yes_no, Kind.QUESTION),
    ("Was kostet die Anerkennung", "ask_fee_recognition", SURE, read_family_count, Kind.QUESTION),
    ("60.000 Euro brutto", "ask_salary_threshold", SURE, read_salary, Kind.ANSWER),
    ("60.000 Euro?", "ask_salary_threshold", SURE, read_salary, Kind.QUESTION),
    ("ja", "affirm", SURE, read_yes_no, Kind.ANSWER),
    ("I want to talk to a person", "request_human", SURE, read_yes_no, Kind.QUESTION),
    ("Stopp", "stop", SURE, read_family_count, Kind.QUESTION),
    ("wie viel kostet das visum", "ask_fee_visa", UNSURE, read_family_count, Kind.PROBABLE_QUESTION),
    ("blorf quux", "nlu_fallback", 1.0, read_yes_no, Kind.UNREADABLE),
    ("vielleicht", "inform", SURE, read_yes_no, Kind.UNREADABLE),
]


@pytest.mark.parametrize(("text", "intent", "confidence", "reader", "kind"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_what_a_message_is_to_the_form(text: str, intent: str, confidence: float, reader: Reader, kind: Kind) -> None:
    assert answer_or_question(Said(text, intent, confidence), reader(text) is not None) is kind


def test_a_slot_taking_any_text_gives_way_to_a_confident_question() -> None:
    assert answer_or_question(Said("Was kostet das Visum", "ask_fee_visa", SURE), True, any_text=True) is Kind.QUESTION
    assert (
        answer_or_question(Said("Pflegedienst Sonne GmbH", "ask_fee_visa", UNSURE), True, any_text=True) is Kind.ANSWER
    )


def test_the_forms_own_intent_is_never_a_question_in_between() -> None:
    text = "Status LT-2026-7K3QZD?"
    found = read_reference(text) is not None
    assert answer_or_question(Said(text, "ask_status", SURE), found) is Kind.QUESTION
    assert (
        answer_or_question(Said(text, "ask_status", SURE), found, form_intents=frozenset({"ask_status"})) is Kind.ANSWER
    )


def test_confidence_at_the_threshold_counts_as_sure() -> None:
    said = Said("Was kostet das?", "ask_costs_overview", INTERJECTION_CONFIDENCE)
    assert answer_or_question(said, False) is Kind.QUESTION
    below = Said("Was kostet das?", "ask_costs_overview", INTERJECTION_CONFIDENCE - 0.01)
    assert answer_or_question(below, False) is Kind.PROBABLE_QUESTION
