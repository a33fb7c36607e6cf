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
    assert "Fixed fees in total: €761" in describe_costs(estimate, "en")
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


# Issue 14 V6: the sum says what it is and names what it leaves out, with the knowledge file's ranges.


def test_the_sum_of_a_case_is_called_fixed_fees_and_names_what_it_leaves_out() -> None:
    german = describe_costs(estimate_costs(CostCase(), DAY), "de")
    english = describe_costs(estimate_costs(CostCase(), DAY), "en")
    assert "Feste Gebühren zusammen: 586 €" in german
    assert "Fixed fees in total: €586" in english
    assert not any(line.startswith(("Summe:", "Total:")) for line in german + english)
    recognition_de = next(line for line in german if line.startswith("Nicht enthalten: Anerkennung"))
    recognition_en = next(line for line in english if line.startswith("Not included: Recognition"))
    assert "100–600 €" in recognition_de and "€100–600" in recognition_en, "the chambers' range is shown"
    assert "150 €" in recognition_de and "€150" in recognition_en, "the ZAB DAB fee is shown"
    assert "IHK Hannover" in recognition_de and "keine verlässlich bestätigte Angabe" in recognition_de
    assert " 300 €" not in recognition_de, "the unverified IHK Hannover fee is never stated"
    assert any(line.startswith("Nicht enthalten: Übersetzungen") for line in german)
    assert any(line.startswith("Not included: Translations") for line in english)


def test_a_sum_with_a_recognition_range_is_not_called_fixed_fees() -> None:
    estimate = estimate_costs(CostCase(recognition_body="hwk_hannover", include_translations=False), DAY)
    german, english = describe_costs(estimate, "de"), describe_costs(estimate, "en")
    assert "Summe der bezifferten Posten: 686–1.186 €" in german
    assert "Sum of the items with a figure: €686–1,186" in english
    assert not any(line.startswith("Nicht enthalten: Anerkennung") for line in german)
    assert any(line.startswith("Nicht enthalten: Übersetzungen") for line in german), "left out on request, still named"


def test_unverified_items_of_a_family_case_are_named_not_silently_dropped() -> None:
    estimate = estimate_costs(CostCase(adult_family_members=1, minor_children=1), DAY)
    german = describe_costs(estimate, "de")
    assert any(line.startswith("Nicht enthalten: Aufenthaltstitel, Minderjährige") for line in german)
    assert "fee_residence_permit_minor" in estimate.open_items
