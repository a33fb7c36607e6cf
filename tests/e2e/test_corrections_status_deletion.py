"""C4, C11, C13 end to end on the real stack: corrections reach the ticket, the status lookup
answers the owner and nobody else, and "delete my data" empties the conversation store and erases
the conversation's case in the backend (issue 15 P3)."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

from conftest import Conversation
from intake_script import CARPENTER_IN_GARBSEN_DE, IT_COMPANY_IN_HANNOVER_EN, run_intake
from stack import Stack
from test_intake import find_ticket

REFERENCE = re.compile(r"LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}")
NEW_NAME = "Tischlerei Sonnenschein und Söhne GmbH"
NEW_EMAIL = "bewerbung@sonnenschein-soehne.de"


def test_corrections_during_the_intake_and_at_the_summary_reach_the_ticket(
    german: Conversation, backend_url: str, credentials: dict
) -> None:
    answers = list(CARPENTER_IN_GARBSEN_DE)
    answers[3] = "Lehrte"  # the workplace, corrected at the summary
    run_intake(german, answers[:2])
    assert "Wie heißt Ihr Unternehmen" in german.say_text("Moment, der Firmenname ist falsch geschrieben")
    assert "Kammer" in german.say_text(NEW_NAME)
    summary = run_intake(german, answers[2:])
    assert "Lehrte" in summary and NEW_NAME in summary
    corrected = german.say_text("nein, Garbsen")
    assert "Arbeitsort" in corrected and "Garbsen" in corrected and "Lehrte" not in corrected
    corrected = german.say_text(f"Die E-Mail ist falsch, richtig ist {NEW_EMAIL}")
    assert NEW_EMAIL in corrected and "Datenschutz" in corrected, "the summary is shown again before consent"
    reply = german.say_text("Ja, einverstanden")
    reference = REFERENCE.search(reply).group(0)
    ticket = find_ticket(backend_url, credentials, reference)["hwk_hannover"]
    assert ticket["case"]["company_name"] == NEW_NAME
    assert ticket["case"]["workplace_municipality"] == "garbsen"
    assert ticket["case"]["contact_email"] == NEW_EMAIL


def _registered_case(english: Conversation) -> str:
    run_intake(english, IT_COMPANY_IN_HANNOVER_EN)
    return REFERENCE.search(english.say_text("yes, I agree")).group(0)


def _look_up(bot_url: str, question: str, email: str) -> str:
    asker = Conversation(bot_url, "en")
    assert "e-mail" in asker.say_text(question)
    return asker.say_text(email)


def test_the_status_is_told_to_the_owner_and_to_no_one_else(english: Conversation, bot_url: str) -> None:
    reference = _registered_case(english)
    owner = _look_up(bot_url, f"What's the status of case {reference}?", "Jobs@Nordlicht-Software.de")
    assert reference in owner and "received, the pre-check will start soon" in owner
    wrong_owner = _look_up(bot_url, f"What's the status of case {reference}?", "jobs@other-company.de")
    unknown_case = _look_up(bot_url, "What's the status of case LT-2026-ZZZZZZ?", "jobs@nordlicht-software.de")
    assert wrong_owner == unknown_case, "a wrong e-mail and an unknown reference must look the same"
    assert "found no case" in wrong_owner and "received" not in wrong_owner


def test_the_status_question_asks_for_the_reference_when_none_is_given(german: Conversation) -> None:
    assert "Aktenzeichen" in german.say_text("Wie ist der Status meines Falls?")
    assert "LT-2026-7K3QZD (LT, Jahr" in german.say_text("LT-2026-12")


def _stored(stack: Stack, sender: str) -> list[str]:
    with closing(sqlite3.connect(stack.var_dir / "conversations.sqlite3")) as database:
        return [row[0] for row in database.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]


def test_delete_my_data_removes_the_conversation_from_the_conversation_store(
    stack: Stack, german: Conversation
) -> None:
    run_intake(german, CARPENTER_IN_GARBSEN_DE[:2])
    assert any("Sonnenschein" in row for row in _stored(stack, german.sender))
    assert "gelöscht" in german.say_text("Bitte löschen Sie meine Daten")
    remaining = _stored(stack, german.sender)
    assert remaining and not any("Sonnenschein" in row or "löschen" in row for row in remaining)
    assert "Wie heißt Ihr Unternehmen" in german.say_text("Ich möchte einen Fall zur Vorprüfung anmelden")


def test_delete_my_data_after_registering_a_case_erases_it_in_the_backend(
    stack: Stack, english: Conversation, backend_url: str, credentials: dict
) -> None:
    reference = _registered_case(english)
    assert "deleted" in english.say_text("Please delete my case and all data")
    seen = find_ticket(backend_url, credentials, reference)
    assert seen, "the ticket itself stays, without personal data"
    for ticket in seen.values():
        assert ticket["personal_data_removed"]["kind"] == "person_request"
        assert "contact_email" not in ticket["case"] and "company_name" not in ticket["case"]
    remaining = _stored(stack, english.sender)
    assert remaining and not any(reference in row or "nordlicht" in row.lower() for row in remaining)
    for database in stack.var_dir.glob("*.sqlite3"):
        assert database.stat().st_mode & 0o777 == 0o600, database.name
