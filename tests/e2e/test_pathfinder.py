"""The path finder through the REST channel: questions that depend on the answers, the result
with route, costs and timeline or the no-prospect findings, questions in between, and the
hand-over of its answers to the intake."""

from __future__ import annotations

import re

from conftest import Conversation
from intake_script import run_intake
from test_intake import find_ticket

REFERENCE = re.compile(r"LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}")


def answer_vocational_case(conversation: Conversation, start: str, abroad: str, salary: str) -> str:
    first = conversation.say_text(start)
    assert "Was bieten Sie" in first or "What are you offering" in first
    conversation.say_text('/inform{"choice": "skilled_job"}')
    conversation.say_text('/inform{"choice": "vocational"}')
    conversation.say_text('/inform{"choice": "yes"}')
    conversation.say_text("/deny")
    conversation.say_text(salary)
    conversation.say_text("/deny")
    conversation.say_text("/deny")
    return conversation.say_text(abroad)


def test_german_case_that_fits_gets_route_costs_and_timeline(german: Conversation) -> None:
    result = answer_vocational_case(
        german, "Welcher Aufenthaltstitel passt für meine Fachkraft?", "/affirm", "52.000 € brutto im Jahr"
    )
    assert "§ 18a" in result
    assert "411" in result and "4 Monate" in result
    assert "keine Rechtsberatung" in result


def test_english_worker_already_in_germany_has_no_prospect(english: Conversation) -> None:
    result = answer_vocational_case(english, "Which residence permit fits my candidate?", "/deny", "€4,800 per month")
    assert "No prospect" in result


def test_unreadable_salary_is_explained_and_asked_again(german: Conversation) -> None:
    german.say_text("/start_pathfinder")
    german.say_text('/inform{"choice": "skilled_job"}')
    german.say_text('/inform{"choice": "none"}')
    reply = german.say_text("ganz ordentlich")
    assert "Betrag" in reply and "Bruttogehalt" in reply


def test_a_question_in_between_is_answered_and_the_path_finder_goes_on(german: Conversation) -> None:
    german.say_text("/start_pathfinder")
    reply = german.say_text("Was kostet das beschleunigte Fachkräfteverfahren eigentlich?")
    assert "411" in reply and "Was bieten Sie der Fachkraft an?" in reply


def test_path_finder_answers_go_into_the_ticket(german: Conversation, backend_url: str, credentials: dict) -> None:
    answer_vocational_case(german, "/start_pathfinder", "/deny", "30.000 €")  # worker already in Germany
    answers = (
        "/start_intake",
        "Metallbau Kranich GmbH",
        "Handwerk",
        "Lehrte",
        "Metallbauer",
        "Türkei",
        "nächsten Monat",
        "0",
        '/inform{"choice": "skip"}',
        "Kemal Kranich",
        "info@metallbau-kranich.de",
        "0511 5554443",
    )
    summary = run_intake(german, answers)
    assert "Hinweis der Prüfung" in summary
    reference = REFERENCE.search(german.say_text("/affirm")).group(0)
    ticket = find_ticket(backend_url, credentials, reference)["hwk_hannover"]
    assert ticket["case"]["salary_annual_eur"] == 30000
    assert ticket["case"]["qualification"]["type"] == "vocational"
    assert ticket["no_prospect"] == {"flag": True, "reasons": ["worker_in_germany"]}
