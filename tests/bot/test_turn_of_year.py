"""The turn of the year (issue 14 V1): an unknown threshold never reads as "no".

Every path-finder outcome of tests/pathfinder/outcomes.yml and every threshold answer is played on
the last day with 2026 figures and on a day in 2027, for which the knowledge file has none.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.answers import render
from bot.answers.formatting import format_date, format_money
from bot.knowledge import value_on
from bot.pathfinder import PathInput, find_path
from bot.pathfinder_dialogue import result_text
from bot.thresholds import THRESHOLD_KINDS, threshold_on
from tests.pathfinder.outcomes import plays

LAST_DAY = date(2026, 12, 31)
NEW_YEAR = date(2027, 1, 15)
HOTLINE = str(value_on("zentralstelle_hotline", NEW_YEAR).value)  # type: ignore[union-attr]
NO_TITLE = {"de": "keinen passenden Aufenthaltstitel", "en": "no fitting residence title"}
LAST_KNOWN = {"de": "Zuletzt bekannt", "en": "Last known"}
PLAYS = list(plays())


def _answers(play) -> dict:  # type: ignore[no-untyped-def]
    return {answer.slot: answer.value for answer in play.answers}


def _play_id(play) -> str:  # type: ignore[no-untyped-def]
    return f"{play.language}: {play.name}"


@pytest.mark.parametrize("play", PLAYS, ids=_play_id)
def test_on_31_december_2026_every_outcome_reads_as_the_table_says(play) -> None:  # type: ignore[no-untyped-def]
    text, _ = result_text(_answers(play), play.language, LAST_DAY)
    for fragment in play.expect:
        assert fragment in text


@pytest.mark.parametrize("play", PLAYS, ids=_play_id)
def test_in_2027_no_outcome_loses_a_route_to_a_missing_threshold(play) -> None:  # type: ignore[no-untyped-def]
    answers = _answers(play)
    _, before = result_text(answers, play.language, LAST_DAY)
    text, after = result_text(answers, play.language, NEW_YEAR)
    assert set(before.titles) <= set(after.titles)
    assert {f.rule for f in after.no_prospect} <= {f.rule for f in before.no_prospect} - {"salary_below_threshold"}
    assert "salary_below_threshold" not in {f.rule for f in after.ruled_out}
    if NO_TITLE[play.language] in text:
        assert NO_TITLE[play.language] in result_text(answers, play.language, LAST_DAY)[0]
    for title in after.unchecked:
        assert title in after.titles
    if after.unchecked:
        assert LAST_KNOWN[play.language] in text and HOTLINE in text
        assert format_date(date(2026, 12, 31), play.language) in text


IT_CASE = PathInput("it_experience", annual_salary_eur=Decimal(60000), years_it_experience_last_7=Decimal(5))
AGE_CASE = PathInput("vocational", "yes", annual_salary_eur=Decimal(60000), age_45_or_over=True)
GRADUATE = PathInput("university", "yes", annual_salary_eur=Decimal(60000))
GRADUATE_45 = PathInput("university", "yes", annual_salary_eur=Decimal(60000), age_45_or_over=True)


@pytest.mark.parametrize(
    ("case", "unchecked"),
    [(IT_CASE, {"it_blue_card"}), (AGE_CASE, {"18a"}), (GRADUATE, {"blue_card"}), (GRADUATE_45, {"18b", "blue_card"})],
)
def test_the_cases_of_the_issue_keep_their_routes_in_2027(case: PathInput, unchecked: set[str]) -> None:
    before, after = find_path(case, LAST_DAY), find_path(case, NEW_YEAR)
    assert before.titles == after.titles and unchecked <= set(after.titles)
    assert set(after.unchecked) == unchecked and not before.unchecked
    assert after.accelerated_procedure_fits and not after.no_prospect


SALARY_ANSWERS = [
    ("salary_threshold", {}),
    *[
        ("salary_threshold", {"residence_title": title})
        for title in ("blue_card", "19c2", "it_specialist", "18a", "18b")
    ],
    ("age_rule", {}),
    *[
        ("residence_title", {"residence_title": title})
        for title in ("blue_card", "19c2", "it_specialist", "18a", "18b")
    ],
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(("topic", "params"), SALARY_ANSWERS, ids=lambda value: str(value))
def test_every_threshold_answer_states_2026_figures_and_in_2027_the_last_known_ones(
    topic: str, params: dict[str, str], language: str
) -> None:
    before = render(topic, language, LAST_DAY, params).text
    after = render(topic, language, NEW_YEAR, params)
    figures = [format_money(threshold_on(kind, LAST_DAY).annual or Decimal(0), language) for kind in THRESHOLD_KINDS]
    stated = [figure for figure in figures if figure in before]
    assert stated, "a threshold answer states at least one threshold"
    for figure in stated:
        assert figure in after.text, "the last known value is named"
    last_known = {"de": "zuletzt bekannt", "en": "last known value"}[language]
    assert after.text.count(last_known) >= len(stated)
    assert format_date(LAST_DAY, language) in after.text, "with its validity"
    assert after.referral and HOTLINE in after.text, "and the Zentralstelle"
