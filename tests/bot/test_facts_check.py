"""make facts-check (issue 14 V3): what expires, what is unverified, and when the check fails."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from bot.knowledge import FACTS_PATH, knowledge, load_yaml, parse_knowledge
from bot.knowledge.freshness import freshness_report, project_texts, stated_fact_ids
from scripts.facts_check import main

THRESHOLDS = {"salary_blue_card_general", "salary_blue_card_reduced", "salary_experience_route", "salary_age_45_plus"}


def _document() -> dict:
    return copy.deepcopy(load_yaml(FACTS_PATH))


def _fact(fact_id: str, until: date | None, start: date | None = None, verified: bool = True) -> dict:
    fact = {
        "id": fact_id,
        "unit": "EUR",
        "source": "test",
        "link": None,
        "checked": date(2026, 11, 25),
        "verified": verified,
        "values": [{"value": 1, "valid_from": start, "valid_until": until}],
    }
    return fact if verified else {**fact, "referral": "zentralstelle"}


def test_the_stated_facts_include_the_thresholds_and_the_ceiling_they_derive_from() -> None:
    stated = stated_fact_ids(knowledge(), project_texts())
    assert THRESHOLDS | {"pension_ceiling_bbg", "share_blue_card_general", "fee_accelerated_procedure"} <= stated
    assert "fee_recognition_ihk_hannover" not in stated, "unverified facts are never stated"


@pytest.mark.parametrize("day", [date(2026, 12, 6), date(2026, 12, 18), date(2026, 12, 31)])
def test_december_2026_lists_the_yearly_figures_but_does_not_fail(day: date, capsys: pytest.CaptureFixture) -> None:
    kb = knowledge()
    report = freshness_report(kb, day, stated_fact_ids(kb, project_texts()))
    expiring = {item.fact_id for item in report.expiring}
    assert THRESHOLDS | {"pension_ceiling_bbg", "training_minimum_in_company"} <= expiring
    assert all(item.yearly for item in report.expiring if item.fact_id in THRESHOLDS)
    assert not report.blocking
    assert main(["--today", day.isoformat()]) == 0
    printed = capsys.readouterr().out
    assert "pension_ceiling_bbg: valid until 2026-12-31" in printed and "fee_recognition_ihk_hannover" in printed


def test_in_2027_the_thresholds_are_listed_as_lapsed() -> None:
    kb = knowledge()
    report = freshness_report(kb, date(2027, 1, 15), stated_fact_ids(kb, project_texts()))
    assert THRESHOLDS <= {item.fact_id for item in report.lapsed}
    assert not report.expiring or all(item.days_left >= 0 for item in report.expiring)


def test_with_the_next_ceiling_entered_nothing_derived_from_it_expires() -> None:
    document = _document()
    ceiling = next(fact for fact in document["facts"] if fact["id"] == "pension_ceiling_bbg")
    # A made-up ceiling, only to show that a successor period ends the expiry.
    ceiling["values"].append({"value": 120000, "valid_from": date(2027, 1, 1), "valid_until": date(2027, 12, 31)})
    kb = parse_knowledge(document)
    report = freshness_report(kb, date(2026, 12, 20), stated_fact_ids(kb, project_texts()))
    assert not THRESHOLDS & {item.fact_id for item in report.expiring}
    assert "training_minimum_in_company" in {item.fact_id for item in report.expiring}


@pytest.mark.parametrize(
    ("until", "start", "stated", "listed", "blocks"),
    [
        (date(2027, 1, 10), date(2026, 6, 1), True, True, True),  # fixed end in 10 days, stated: fail
        (date(2027, 1, 14), date(2026, 6, 1), True, True, True),  # 14 days: fail
        (date(2027, 1, 15), date(2026, 6, 1), True, True, False),  # 15 days: listed only
        (date(2027, 1, 10), date(2026, 6, 1), False, True, False),  # not stated by the bot
        (date(2026, 12, 31), date(2026, 1, 1), True, True, False),  # a yearly figure: due, not failing
        (date(2027, 3, 1), date(2026, 6, 1), True, True, False),  # 60 days: listed
        (date(2027, 3, 2), date(2026, 6, 1), True, False, False),  # 61 days: not yet
        (None, date(2026, 6, 1), True, False, False),  # open-ended
    ],
)
def test_which_expiries_are_listed_and_which_fail(
    until: date | None, start: date, stated: bool, listed: bool, blocks: bool
) -> None:
    document = _document()
    document["facts"].append(_fact("test_fee", until, start))
    kb = parse_knowledge(document)
    report = freshness_report(kb, date(2026, 12, 31), frozenset({"test_fee"} if stated else ()))
    assert ("test_fee" in {item.fact_id for item in report.expiring}) == listed
    assert ("test_fee" in {item.fact_id for item in report.blocking}) == blocks


def test_a_successor_period_is_a_change_not_an_expiry() -> None:
    document = _document()
    fact = _fact("test_fee", date(2027, 1, 5), date(2026, 6, 1))
    fact["values"].append({"value": 2, "valid_from": date(2027, 1, 6), "valid_until": None})
    document["facts"].append(fact)
    report = freshness_report(parse_knowledge(document), date(2026, 12, 31), frozenset({"test_fee"}))
    assert "test_fee" not in {item.fact_id for item in report.expiring}


def test_unverified_facts_are_listed_with_their_referral() -> None:
    document = _document()
    document["facts"].append(_fact("test_unconfirmed", None, verified=False))
    report = freshness_report(parse_knowledge(document), date(2026, 12, 6), frozenset())
    assert "test_unconfirmed" in {fact.id for fact in report.unverified}
