"""The knowledge file: schema, exact figures from facts.md, dated look-ups, reloading."""

from __future__ import annotations

import copy
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.knowledge import (
    FACTS_PATH,
    KnowledgeError,
    MissingValue,
    Range,
    ReloadingFile,
    ValueOn,
    knowledge,
    parse_knowledge,
    value_on,
)

FACTS_MD = Path("/work/shared/domain/facts.md")
CHECKED = date(2026, 11, 25)
SECTION_9_UNVERIFIED = [
    "fee_zab_evaluation",
    "fee_recognition_ihk_hannover",
    "fee_recognition_hwk_hannover",
    "welcome_center_address",
    "abh_addresses",
    "cooperation_pre_check_continues",
    "teacher_recognition_authority",
    "fee_recognition_ls_lueneburg",
    "fee_recognition_nizza",
    "fee_translation_per_line",
    "fee_translation_per_document",
]


def _value(fact_id: str, day: date) -> object:
    lookup = value_on(fact_id, day)
    assert isinstance(lookup, ValueOn), f"{fact_id} has no value on {day}"
    return lookup.value


def _raw_document() -> dict:
    return yaml.safe_load(FACTS_PATH.read_text(encoding="utf-8"))


def test_knowledge_file_has_version_and_checked_date() -> None:
    kb = knowledge()
    assert kb.version
    assert kb.checked == CHECKED


def test_every_fact_has_source_checked_date_and_a_period() -> None:
    for fact in knowledge().facts.values():
        assert fact.source.strip(), fact.id
        assert fact.checked == CHECKED, fact.id
        assert fact.periods, fact.id


def test_every_verified_fact_has_a_value_in_every_period() -> None:
    for fact in knowledge().facts.values():
        if fact.verified:
            assert all(period.value is not None for period in fact.periods), fact.id


@pytest.mark.parametrize("fact_id", SECTION_9_UNVERIFIED)
def test_facts_listed_as_uncertain_in_section_9_are_unverified_with_a_referral(fact_id: str) -> None:
    fact = knowledge().fact(fact_id)
    assert fact.verified is False
    assert fact.referral


@pytest.mark.skipif(not FACTS_MD.exists(), reason="shared facts.md not available")
def test_every_link_names_a_site_that_facts_md_cites() -> None:
    text = FACTS_MD.read_text(encoding="utf-8")
    for fact in knowledge().facts.values():
        if fact.link:
            assert fact.link.split("/")[0].removeprefix("www.") in text, fact.id


@pytest.mark.parametrize(
    ("fact_id", "expected"),
    [
        ("fee_accelerated_procedure", Decimal("411")),
        ("fee_visa_national", Decimal("75")),
        ("fee_visa_national_minor", Decimal("37.50")),
        ("fee_residence_permit_first", Decimal("100")),
        ("fee_extension_over_3_months", Decimal("93")),
        ("fee_extension_up_to_3_months", Decimal("96")),
        ("fee_settlement_general", Decimal("113")),
        ("fee_zab_dab", Decimal("150")),
        ("deadline_recognition_accelerated", Decimal("2")),
        ("deadline_recognition_receipt", Decimal("2")),
        ("deadline_ba_accelerated", Decimal("1")),
        ("deadline_visa_appointment", Decimal("3")),
        ("deadline_visa_decision", Decimal("3")),
        ("preapproval_validity", Decimal("3")),
        ("family_entry_window", Decimal("6")),
        ("duration_total_typical", Decimal("4")),
        ("duration_zentralstelle_processing", Decimal("2.5")),
        ("salary_blue_card_general", Decimal("50700")),
        ("salary_blue_card_reduced", Decimal("45934.20")),
        ("salary_experience_route", Decimal("45630")),
        ("salary_age_45_plus", Decimal("55770")),
        ("training_minimum_in_company", Decimal("822")),
        ("training_minimum_school_based", Decimal("959")),
        ("training_minimum_further_training", Decimal("855")),
        ("zentralstelle_hotline", "0541 66888 200"),
        ("zentralstelle_email", "fachkraefteeinwanderung@lab.niedersachsen.de"),
    ],
)
def test_figures_are_exactly_those_of_facts_md_on_2026_11_26(fact_id: str, expected: object) -> None:
    value = _value(fact_id, date(2026, 11, 26))
    assert value == expected
    if isinstance(expected, Decimal):
        assert str(value) == str(expected), "decimal places must be kept as given"


def test_recognition_fee_ranges_are_stored_as_ranges() -> None:
    assert _value("fee_recognition_hwk_range", date(2026, 11, 26)) == Range(Decimal(100), Decimal(600))
    assert _value("fee_engineer_title", date(2026, 11, 26)) == Range(Decimal(150), Decimal(2300))


@pytest.mark.parametrize(
    ("year", "bbg", "general", "reduced", "experience", "age45"),
    [
        (2024, "90600", "45300", "41041.80", "40770", "49830"),
        (2025, "96600", "48300", "43759.80", "43470", "53130"),
        (2026, "101400", "50700", "45934.20", "45630", "55770"),
    ],
)
def test_salary_thresholds_per_year_match_facts_and_their_share_of_the_ceiling(
    year: int, bbg: str, general: str, reduced: str, experience: str, age45: str
) -> None:
    day = date(year, 6, 1)
    ceiling = Decimal(bbg)
    assert _value("pension_ceiling_bbg", day) == ceiling
    for fact_id, expected, share in [
        ("salary_blue_card_general", general, "0.50"),
        ("salary_blue_card_reduced", reduced, "0.453"),
        ("salary_experience_route", experience, "0.45"),
        ("salary_age_45_plus", age45, "0.55"),
    ]:
        assert _value(fact_id, day) == Decimal(expected)
        assert ceiling * Decimal(share) == Decimal(expected), fact_id


@pytest.mark.parametrize(
    ("monthly_id", "annual_id"),
    [
        ("salary_blue_card_general_monthly", "salary_blue_card_general"),
        ("salary_blue_card_reduced_monthly", "salary_blue_card_reduced"),
        ("salary_experience_route_monthly", "salary_experience_route"),
        ("salary_age_45_plus_monthly", "salary_age_45_plus"),
    ],
)
def test_monthly_figures_are_the_annual_ones_divided_by_twelve(monthly_id: str, annual_id: str) -> None:
    for period in knowledge().fact(monthly_id).periods:
        assert period.valid_from is not None
        annual = _value(annual_id, period.valid_from)
        assert isinstance(period.value, Decimal) and period.value * 12 == annual


def test_threshold_changes_between_31_december_2025_and_1_january_2026() -> None:
    assert _value("salary_blue_card_general", date(2025, 12, 31)) == Decimal("48300")
    assert _value("salary_blue_card_general", date(2026, 1, 1)) == Decimal("50700")


def test_a_day_without_a_value_reports_the_last_known_value_and_its_end() -> None:
    lookup = value_on("salary_blue_card_general", date(2027, 1, 1))
    assert isinstance(lookup, MissingValue)
    assert lookup.last_known is not None
    assert lookup.last_known.value == Decimal("50700")
    assert lookup.last_known.valid_until == date(2026, 12, 31)


def test_old_it_rule_is_not_valid_after_february_2024() -> None:
    assert _value("salary_it_old_rule", date(2024, 2, 29)) == Decimal("54360")
    assert isinstance(value_on("salary_it_old_rule", date(2024, 3, 1)), MissingValue)


def test_zentralstelle_sole_competence_date_is_known_before_it_takes_effect() -> None:
    assert _value("zentralstelle_sole_competence_from", date(2025, 8, 1)) == date(2026, 1, 1)


def test_chancenkarte_blocked_account_for_2026_is_missing_not_carried_over() -> None:
    lookup = value_on("chancenkarte_blocked_account_annual", date(2026, 6, 1))
    assert isinstance(lookup, MissingValue)
    assert lookup.last_known is not None and lookup.last_known.value == Decimal("13092")


def test_unknown_fact_id_raises_a_clear_error() -> None:
    with pytest.raises(KnowledgeError, match="unknown fact id"):
        value_on("no_such_fact", date(2026, 1, 1))


def _mutated(change) -> dict:  # type: ignore[no-untyped-def]
    document = copy.deepcopy(_raw_document())
    change(document["facts"][0])
    return document


@pytest.mark.parametrize(
    ("description", "change"),
    [
        ("missing source", lambda fact: fact.pop("source")),
        ("unknown unit", lambda fact: fact.update(unit="furlongs")),
        ("verified without a value", lambda fact: fact["values"][0].update(value=None)),
        ("unverified without referral", lambda fact: fact.update(verified=False)),
        ("unknown key", lambda fact: fact.update(colour="blue")),
        (
            "overlapping periods",
            lambda fact: fact["values"].append({"value": 1, "valid_from": date(2021, 1, 1), "valid_until": None}),
        ),
        (
            "period ends before it starts",
            lambda fact: fact["values"][0].update(valid_from=date(2026, 1, 1), valid_until=date(2025, 1, 1)),
        ),
    ],
)
def test_schema_rejects_malformed_entries(description: str, change) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KnowledgeError):
        parse_knowledge(_mutated(change))


def test_schema_rejects_duplicate_ids() -> None:
    document = copy.deepcopy(_raw_document())
    document["facts"].append(copy.deepcopy(document["facts"][0]))
    with pytest.raises(KnowledgeError, match="duplicate"):
        parse_knowledge(document)


def test_a_changed_file_is_reloaded_without_restart(tmp_path: Path) -> None:
    document = _raw_document()
    path = tmp_path / "facts.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    loaded = ReloadingFile(path, parse_knowledge)
    assert loaded.get().value_on("fee_accelerated_procedure", date(2026, 11, 26)).value == Decimal(411)

    fee = next(f for f in document["facts"] if f["id"] == "fee_accelerated_procedure")
    fee["values"][0]["value"] = 999
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert loaded.get().value_on("fee_accelerated_procedure", date(2026, 11, 26)).value == Decimal(999)


@pytest.mark.skipif(not FACTS_MD.exists(), reason="shared facts.md not available")
def test_every_euro_amount_of_facts_md_is_in_the_knowledge_file() -> None:
    import re

    known: set[Decimal] = set()
    for fact in knowledge().facts.values():
        for period in fact.periods:
            if isinstance(period.value, Range):
                known |= {period.value.minimum, period.value.maximum}
            elif isinstance(period.value, Decimal):
                known.add(period.value)
    amounts = re.findall(r"(\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s?€", FACTS_MD.read_text(encoding="utf-8"))
    not_stored = {a for a in amounts if Decimal(a.replace(",", "")) not in known}
    assert not_stored <= {"60"}, "only the 40–60 € Romanian-diploma translation example is left out"
