"""Salary thresholds as fixed shares of the pension contribution ceiling (issue 14 V2)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest

from bot.knowledge import FACTS_PATH, KnowledgeError, MissingValue, ValueOn, load_yaml, parse_knowledge
from bot.thresholds import THRESHOLD_KINDS, check_salary, threshold_on, thresholds_on

# Published values (facts.md section 3a): kind -> year -> (annual, monthly or None where facts.md gives none)
PUBLISHED = {
    "blue_card": {2024: ("45300", "3775"), 2025: ("48300", "4025"), 2026: ("50700", "4225")},
    "blue_card_reduced": {2024: ("41041.80", None), 2025: ("43759.80", None), 2026: ("45934.20", "3827.85")},
    "19c2": {2024: ("40770", None), 2025: ("43470", None), 2026: ("45630", "3802.50")},
    "age_45_plus": {2024: ("49830", None), 2025: ("53130", "4427.50"), 2026: ("55770", "4647.50")},
}
SHARES = {"blue_card": "50", "blue_card_reduced": "45.3", "19c2": "45", "age_45_plus": "55"}
RULES = {
    "blue_card": "§ 18g Abs. 1 S. 1 AufenthG",
    "blue_card_reduced": "§ 18g Abs. 1 S. 2, Abs. 2 AufenthG",
    "19c2": "§ 19c Abs. 2 AufenthG i. V. m. § 6 BeschV",
    "age_45_plus": "§ 18 Abs. 2 Nr. 5 AufenthG",
}
CEILINGS = {2024: "90600", 2025: "96600", 2026: "101400"}


@pytest.mark.parametrize("kind", THRESHOLD_KINDS)
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_derived_thresholds_are_exactly_the_published_values(kind: str, year: int) -> None:
    threshold = threshold_on(kind, date(year, 6, 1))
    annual, monthly = PUBLISHED[kind][year]
    assert threshold.known
    assert str(threshold.annual) == annual, "exact, with the published decimal places"
    assert threshold.share_percent == Decimal(SHARES[kind]) and threshold.rule == RULES[kind]
    assert threshold.ceiling == Decimal(CEILINGS[year])
    assert threshold.annual == threshold.ceiling * threshold.share_percent / 100
    assert threshold.monthly is not None and threshold.monthly * 12 == threshold.annual
    if monthly is not None:
        assert str(threshold.monthly) == monthly


def test_the_experience_route_threshold_starts_on_1_march_2024() -> None:
    assert not threshold_on("19c2", date(2024, 2, 29)).known
    assert threshold_on("19c2", date(2024, 3, 1)).valid_from == date(2024, 3, 1)


def test_thresholds_on_gives_every_kind_and_check_salary_compares_exactly() -> None:
    day = date(2026, 11, 26)
    assert set(thresholds_on(day)) == set(THRESHOLD_KINDS)
    assert check_salary("blue_card_reduced", Decimal("45934.20"), day).outcome == "meets"
    assert check_salary("blue_card_reduced", Decimal("45934.19"), day).outcome == "below"


def test_a_day_without_a_ceiling_is_unknown_with_the_last_known_threshold() -> None:
    check = check_salary("blue_card", Decimal(1000), date(2027, 1, 15))
    assert check.outcome == "unknown"
    assert check.threshold.annual == Decimal(50700) and check.threshold.valid_until == date(2026, 12, 31)
    assert check.threshold.share_percent == Decimal(50) and check.threshold.ceiling == Decimal(101400)


def _document_with_ceiling(entry: dict) -> dict:
    document = copy.deepcopy(load_yaml(FACTS_PATH))
    ceiling = next(fact for fact in document["facts"] if fact["id"] == "pension_ceiling_bbg")
    ceiling["values"].append(entry)
    return document


def test_a_new_year_is_one_entry_in_the_ceiling() -> None:
    # A made-up ceiling, only to show the mechanism: never shown to anyone.
    entry = {"value": 120000, "valid_from": date(2027, 1, 1), "valid_until": date(2027, 12, 31), "source": "test"}
    kb = parse_knowledge(_document_with_ceiling(entry))
    day = date(2027, 1, 15)
    expected = {
        "salary_blue_card_general": "60000",
        "salary_blue_card_reduced": "54360",
        "salary_experience_route": "54000",
        "salary_age_45_plus": "66000",
        "salary_blue_card_reduced_monthly": "4530",
        "pension_ceiling_bbg_monthly": "10000",
    }
    for fact_id, value in expected.items():
        lookup = kb.value_on(fact_id, day)
        assert isinstance(lookup, ValueOn) and str(lookup.value) == value, fact_id
        assert lookup.period.source == "test"


def test_a_ceiling_whose_derived_figures_are_not_exact_is_refused_not_rounded() -> None:
    odd = {"value": 100001, "valid_from": date(2028, 1, 1), "valid_until": date(2028, 12, 31)}
    with pytest.raises(KnowledgeError, match="not exact"):
        parse_knowledge(_document_with_ceiling(odd))  # 100001 / 12 does not terminate


def test_derived_figures_keep_every_exact_place() -> None:
    entry = {"value": 100200, "valid_from": date(2027, 1, 1), "valid_until": date(2027, 12, 31)}
    kb = parse_knowledge(_document_with_ceiling(entry))
    lookup = kb.value_on("salary_blue_card_reduced", date(2027, 6, 1))
    assert isinstance(lookup, ValueOn) and str(lookup.value) == "45390.60"


@pytest.mark.parametrize(
    ("derived", "message"),
    [
        ({"base": "no_such_fact", "share": "share_blue_card_general"}, "unknown fact"),
        ({"base": "pension_ceiling_bbg", "share": "fee_visa_national"}, "percent"),
        ({"base": "pension_ceiling_bbg"}, "either share or divisor"),
        ({"base": "pension_ceiling_bbg", "divisor": 0}, "positive whole number"),
    ],
)
def test_a_malformed_derivation_is_refused(derived: dict, message: str) -> None:
    document = copy.deepcopy(load_yaml(FACTS_PATH))
    fact = next(fact for fact in document["facts"] if fact["id"] == "salary_blue_card_general")
    fact["derived"] = derived
    with pytest.raises(KnowledgeError, match=message):
        parse_knowledge(document)


def test_a_fact_may_not_have_both_values_and_a_derivation() -> None:
    document = copy.deepcopy(load_yaml(FACTS_PATH))
    fact = next(fact for fact in document["facts"] if fact["id"] == "salary_blue_card_general")
    fact["values"] = [{"value": 1, "valid_from": None, "valid_until": None}]
    with pytest.raises(KnowledgeError, match="either values or derived"):
        parse_knowledge(document)


def test_missing_value_of_a_derived_fact_names_its_last_period() -> None:
    lookup = parse_knowledge(load_yaml(FACTS_PATH)).value_on("salary_age_45_plus_monthly", date(2027, 1, 1))
    assert isinstance(lookup, MissingValue) and lookup.last_known is not None
    assert str(lookup.last_known.value) == "4647.50"
