"""Cost and timeline estimates: only verified facts, explicit ranges, sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.estimates import (
    CostCase,
    MoneyRange,
    describe_costs,
    describe_sources,
    describe_timeline,
    estimate_costs,
    estimate_timeline,
)
from bot.knowledge import knowledge

DAY = date(2026, 11, 26)


def test_single_worker_costs_fee_visa_and_residence_permit() -> None:
    estimate = estimate_costs(CostCase(include_translations=False), DAY)
    assert [line.fact_id for line in estimate.lines] == [
        "fee_accelerated_procedure",
        "fee_visa_national",
        "fee_residence_permit_first",
    ]
    assert estimate.total == MoneyRange(Decimal(586), Decimal(586))
    assert estimate.open_items == ()


def test_family_pays_visas_per_person_but_no_second_procedure_fee() -> None:
    estimate = estimate_costs(CostCase(adult_family_members=1, minor_children=2, include_translations=False), DAY)
    by_fact = {line.fact_id: line for line in estimate.lines}
    assert by_fact["fee_accelerated_procedure"].count == 1
    assert by_fact["fee_visa_national"].amount == MoneyRange(Decimal(150), Decimal(150))
    assert by_fact["fee_visa_national_minor"].amount == MoneyRange(Decimal(75), Decimal(75))
    assert "fee_residence_permit_minor" in estimate.open_items, "the minors' permit fee is not verified"


def test_recognition_at_a_chamber_of_crafts_is_a_range() -> None:
    estimate = estimate_costs(CostCase(recognition_body="hwk_hannover", include_translations=False), DAY)
    assert estimate.total == MoneyRange(Decimal(686), Decimal(1186))


def test_unverified_fees_are_never_counted_but_listed_for_referral() -> None:
    for body, fact_id in [("ihk_hannover", "fee_recognition_ihk_hannover"), ("zab", "fee_zab_evaluation")]:
        estimate = estimate_costs(CostCase(recognition_body=body), DAY)
        assert fact_id in estimate.open_items
        assert "fee_translation_per_document" in estimate.open_items
        assert all(knowledge().fact(line.fact_id).verified for line in estimate.lines)


def test_cost_lines_are_described_per_language() -> None:
    estimate = estimate_costs(CostCase(adult_family_members=1, include_translations=False), DAY)
    assert "Nationales Visum, Erwachsene: 2 × 75 € = 150 €" in describe_costs(estimate, "de")
    assert describe_costs(estimate, "en")[-1] == "Total: €761"
    assert "§ 47 Abs. 1 Nr. 15 AufenthV" in describe_sources(estimate.lines)


def test_timeline_lists_statutory_clocks_and_the_realistic_total() -> None:
    timeline = estimate_timeline(DAY, family=True)
    assert [step.fact_id for step in timeline.steps] == [
        "deadline_recognition_accelerated",
        "deadline_ba_accelerated",
        "duration_zentralstelle_processing",
        "deadline_visa_appointment",
        "deadline_visa_decision",
    ]
    assert timeline.realistic_total.upper_bound == Decimal(4)
    assert timeline.family_window is not None and timeline.family_window.upper_bound == Decimal(6)
    lines = describe_timeline(timeline, "de")
    assert "Anerkennung (soll, ab vollständigen Unterlagen): bis 2 Monate" in lines
    assert "Gesamtdauer im Regelfall (etwa): 4 Monate" in lines
    assert "§ 31a Abs. 1 AufenthV" in describe_sources(timeline.steps)


def test_degree_evaluation_replaces_recognition_and_no_recognition_drops_it() -> None:
    with_zab = estimate_timeline(DAY, degree_evaluation=True)
    assert with_zab.steps[0].fact_id == "deadline_zab_evaluation_accelerated"
    without = estimate_timeline(DAY, recognition_needed=False)
    assert without.steps[0].fact_id == "deadline_ba_accelerated"
