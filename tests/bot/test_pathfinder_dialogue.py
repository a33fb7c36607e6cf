from datetime import date
from decimal import Decimal

import pytest

from bot.pathfinder_dialogue import path_input, questions_needed, read_choice, read_salary, result_text

DAY = date(2026, 11, 26)
GOOD_CASE = {
    "pf_qualification": "vocational", "pf_recognition": "yes", "pf_regulated": "no", "pf_salary": 52000.0,
    "pf_collective_agreement": "no", "pf_age_45": "no", "pf_abroad": "yes",
}


def test_questions_follow_the_answers() -> None:
    assert questions_needed({}) == ["pf_qualification", "pf_salary", "pf_collective_agreement", "pf_age_45", "pf_abroad"]
    vocational = questions_needed({"pf_qualification": "vocational", "pf_regulated": "yes", "pf_age_45": "yes"})
    assert vocational == ["pf_qualification", "pf_recognition", "pf_regulated", "pf_licence", "pf_salary",
                          "pf_collective_agreement", "pf_age_45", "pf_pension", "pf_abroad"]
    assert "pf_it_years" in questions_needed({"pf_qualification": "it_experience"})


@pytest.mark.parametrize(
    ("typed", "value"),
    [("Berufsausbildung", "vocational"), ("university degree", "university"), ("vocational", "vocational"),
     ("hochschulabschlus", "university"), ("keine formale qualifikation", "none")],
)
def test_choices_are_read_from_titles_in_both_languages_and_payload_values(typed: str, value: str) -> None:
    assert read_choice("pf_qualification", typed) == value


def test_unclear_choice_is_none() -> None:
    assert read_choice("pf_qualification", "Banane") is None


def test_salary_answers_are_annual() -> None:
    assert read_salary("4.500 € im Monat") == Decimal(54000)


def test_slot_floats_become_exact_amounts() -> None:
    assert path_input({"pf_qualification": "vocational", "pf_salary": 45934.2}).annual_salary_eur == Decimal("45934.2")
    assert path_input({"pf_qualification": "vocational", "pf_salary": 52000.0}).annual_salary_eur == Decimal(52000)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_fitting_case_names_18a_costs_and_timeline(language: str) -> None:
    text, result = result_text(GOOD_CASE, language, DAY)
    assert result.accelerated_procedure_fits
    assert "18a" in text and "411" in text
    assert ("4 Monate" if language == "de" else "4 months") in text


def test_a_worker_already_in_germany_has_no_prospect_in_the_procedure() -> None:
    text, result = result_text({**GOOD_CASE, "pf_abroad": "no"}, "en", DAY)
    assert not result.accelerated_procedure_fits
    assert result.ticket_no_prospect()["flag"]
