"""V10: what the texts say about the pre-check, the Welcome Center, the recognition receipt and the
Auslandsportal, in both languages and in every text file a user or staff member reads."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.answers import render
from bot.intake_plan import summary_lines
from bot.texts import text
from bot.routing import RoutingCase, route

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 26)
TEXT_FILES = [
    "bot/knowledge/answers.yml",
    "bot/knowledge/pathfinder_messages.yml",
    "bot/knowledge/checklist.yml",
    "bot/knowledge/estimates.yml",
    "bot/messages.yml",
    "domain.yml",
    "bot/connector_texts.yml",
    "web/demo/index.html",
    "web/demo/en.html",
    "backend/web/i18n/de.json",
    "backend/web/i18n/en.json",
]
NEGATION = re.compile(r"\b(nicht|keine|ohne|not|no|without)\b", re.IGNORECASE)
PRE_CHECK = re.compile(r"vorprüf|vorab prüf|pre-check", re.IGNORECASE)


def _clauses() -> list[tuple[str, str]]:
    found = []
    for name in TEXT_FILES:
        raw = (ROOT / name).read_text(encoding="utf-8")
        found += [(name, clause) for clause in re.split(r"(?<=[.!?;:])\s+|\n|,|\(|\)|–", raw)]
    return found


def test_the_welcome_center_is_never_said_to_pre_check_documents() -> None:
    claims = [
        (name, sentence)
        for name, sentence in _clauses()
        if "Welcome Center" in sentence and PRE_CHECK.search(sentence) and not NEGATION.search(sentence)
    ]
    assert claims == []


def test_a_receipt_deadline_of_one_month_is_only_stated_for_the_normal_procedure() -> None:
    raw = yaml.safe_load((ROOT / "bot/knowledge/answers.yml").read_text(encoding="utf-8"))
    for sentence in re.split(r"(?<=[.;])\s+|\n", yaml.safe_dump(raw, allow_unicode=True, width=10_000)):
        if "{deadline_ihk_hannover_receipt}" in sentence:
            assert re.search(r"normal", sentence), sentence
        if re.search(r"beschleunigt|accelerated", sentence) and re.search(r"Eingang|receipt", sentence):
            assert "{deadline_recognition_receipt}" in sentence, sentence


@pytest.mark.parametrize(
    ("language", "two_weeks", "one_month"), [("de", "2 Wochen", "1 Monat"), ("en", "2 weeks", "1 month")]
)
def test_the_ihk_answer_gives_two_weeks_accelerated_and_one_month_normal(
    language: str, two_weeks: str, one_month: str
) -> None:
    answer = render("recognition_body", language, DAY, {"occupation_group": "ihk"}).text
    accelerated, normal = re.split(r"normalen Verfahren|normal procedure", answer, maxsplit=1)
    assert two_weeks in accelerated and one_month not in accelerated and one_month in normal


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_auslandsportal_is_open_at_all_visa_offices(language: str) -> None:
    answer = render("candidate_visa_appointment", language, DAY).text
    assert "167" in answer and "Auslandsportal" in answer
    assert not re.search(r"vielen Auslandsvertretungen|many missions", answer)


@pytest.mark.parametrize(("language", "unconfirmed"), [("de", "nicht bestätigt"), ("en", "not confirmed")])
def test_where_the_pre_check_is_described_its_continuation_is_called_unconfirmed(
    language: str, unconfirmed: str
) -> None:
    assert unconfirmed in render("human_contact", language, DAY).text
    steps = yaml.safe_load((ROOT / "bot/knowledge/pathfinder_messages.yml").read_text(encoding="utf-8"))
    assert unconfirmed in _find(steps, "step_pre_check")[language]
    responsibility = render("responsibility", language, DAY)
    assert responsibility.referral and "cooperation_pre_check_continues" in responsibility.facts


def _find(document: object, key: str) -> dict:
    if isinstance(document, dict):
        if key in document:
            return document[key]
        for value in document.values():
            found = _find(value, key)
            if found:
                return found
    return {}


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_summary_calls_the_welcome_center_first_advice_and_notes_the_unconfirmed_pre_check(language: str) -> None:
    chamber = summary_lines({}, route(RoutingCase(business_type="craft"), DAY), [], language)
    assert f"• {text('summary_pre_check_org', language)}: " in "\n".join(chamber)
    assert f"• {text('summary_pre_check_unconfirmed', language)}" in chamber
    neither = summary_lines({}, route(RoutingCase(business_type="neither"), DAY), [], language)
    assert f"• {text('summary_first_advice_org', language)}: Welcome Center Region Hannover" in neither
    assert not any(line.startswith(f"• {text('summary_pre_check_org', language)}") for line in neither)
    before_2026 = summary_lines(
        {}, route(RoutingCase(business_type="craft", workplace_municipality="garbsen"), date(2025, 6, 1)), [], language
    )
    assert f"• {text('summary_pre_check_unconfirmed', language)}" not in before_2026


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_case_sent_to_the_welcome_center_is_not_called_a_pre_check(language: str) -> None:
    for key in ("case_created", "case_queued"):
        sent = text(
            key, language, pre_check_org="Welcome Center Region Hannover", reference="LT-2026-ABCDEF", link_code="X"
        )
        assert not PRE_CHECK.search(sent), sent
