"""E19: the link code in a candidate's message, and what a linked candidate is told."""

from __future__ import annotations

import pytest

from bot.candidate_link import (
    CandidateView,
    Found,
    MissingDocument,
    documents_text,
    find_link_code,
    status_text,
)
from bot.reference import new_link_code


@pytest.mark.parametrize(
    "message, code",
    [
        ("My code is 9F4K-2QXM-7TZA", "9F4K-2QXM-7TZA"),
        ("9f4k 2qxm 7tza", "9F4K-2QXM-7TZA"),
        ("Code: 9F4K2QXM7TZO", "9F4K-2QXM-7TZ0"),
        ("ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN"),
        ("Mein Code lautet R6TM 4QHZ 8CPA, danke", "R6TM-4QHZ-8CPA"),
        ("mein code: 3wwn dass q85f", "3WWN-DASS-Q85F"),  # a group that is a word, right after "code"
        ("my code is then 7k3q have", "THEN-7K3Q-HAVE"),
    ],
)
def test_a_code_is_found_in_what_people_type(message: str, code: str) -> None:
    found = find_link_code(message)
    assert found.found is Found.CODE and found.code == code


def test_every_generated_code_is_found_bare() -> None:
    for _ in range(300):
        code = new_link_code()
        assert find_link_code(code).code == code


def test_every_generated_code_with_a_digit_is_found_typed_with_spaces_in_lower_case() -> None:
    codes = [new_link_code() for _ in range(1000)]
    for code in (code for code in codes if any(character.isdigit() for character in code)):
        assert find_link_code(f"mein code: {code.replace('-', ' ').lower()}").code == code


@pytest.mark.parametrize(
    "message", ["X4RT-MQ7B", "my code is 12345", "ABCD-EFGH", "code UUUU-2QXM-7TZA", "LT-2026-7K3QZD"]
)
def test_something_meant_as_a_code_but_not_in_the_format_is_malformed(message: str) -> None:
    assert find_link_code(message).found is Found.MALFORMED


@pytest.mark.parametrize(
    "message",
    [
        "I have a code from my employer",
        "with this code from my boss",
        "a follow-up question",
        "Hallo",
        "Unser Mitarbeiter hat seit 2023 eine Blaue Karte, Gehalt 45.000 €.",
        "We have 2025 been waiting",
        "salary from 2024 with the new threshold",
    ],
)
def test_plain_words_are_no_code(message: str) -> None:
    assert find_link_code(message).found is not Found.CODE


def test_the_candidate_is_told_their_missing_documents_by_name() -> None:
    view = CandidateView(
        status="waiting_for_employer",
        missing_documents=[
            MissingDocument("vollmacht", "missing"),
            MissingDocument("translations", "needs_translation"),
        ],
    )
    german = documents_text(view, "de")
    assert "Vollmacht der Fachkraft für den Arbeitgeber" in german and "Übersetzung fehlt" in german
    assert "Power of attorney from the worker" in documents_text(view, "en")
    assert status_text("waiting_for_employer", "en") == "waiting for documents or details"


def test_no_missing_documents_and_unknown_statuses_are_said_plainly() -> None:
    view = CandidateView(status="something_new", missing_documents=[])
    assert documents_text(view, "en") == "None of your own documents are missing at the moment."
    assert status_text("something_new", "de") == "in Bearbeitung"
    assert status_text("forwarded", "de") == "an die Zentralstelle weitergeleitet"
