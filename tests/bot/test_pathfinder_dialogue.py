from datetime import date
from decimal import Decimal

import pytest

from bot.messages import all_messages
from bot.pathfinder import LICENCE_STATUSES, QUALIFICATION_TYPES, RECOGNITION_STATUSES
from bot.pathfinder_dialogue import path_input, questions_needed, read_choice, read_salary, result_text

DAY = date(2026, 11, 26)
GOOD_CASE = {
    "pf_qualification": "vocational",
    "pf_recognition": "yes",
    "pf_regulated": "no",
    "pf_salary": 52000.0,
    "pf_collective_agreement": "no",
    "pf_age_45": "no",
    "pf_abroad": "yes",
}


def test_questions_follow_the_answers() -> None:
    assert questions_needed({}) == [
        "pf_position",
        "pf_qualification",
        "pf_salary",
        "pf_collective_agreement",
        "pf_age_45",
        "pf_abroad",
    ]
    vocational = questions_needed({"pf_qualification": "vocational", "pf_regulated": "yes", "pf_age_45": "yes"})
    assert vocational == [
        "pf_position",
        "pf_qualification",
        "pf_recognition",
        "pf_regulated",
        "pf_licence",
        "pf_salary",
        "pf_collective_agreement",
        "pf_age_45",
        "pf_pension",
        "pf_abroad",
    ]
    assert "pf_it_years" in questions_needed({"pf_qualification": "it_experience"})


def test_experience_is_asked_only_when_equivalence_failed_in_a_free_occupation() -> None:
    refused = {"pf_qualification": "vocational", "pf_recognition": "no", "pf_regulated": "no"}
    assert "pf_experience" in questions_needed(refused)
    assert "pf_experience" not in questions_needed({**refused, "pf_regulated": "yes"})
    assert "pf_experience" not in questions_needed({**refused, "pf_recognition": "yes"})


def test_offers_other_than_a_skilled_job_need_few_questions() -> None:
    assert questions_needed({"pf_position": "no_offer"}) == ["pf_position"]
    assert questions_needed({"pf_position": "training"}) == ["pf_position", "pf_abroad"]
    helper = {"pf_position": "helper_job", "pf_qualification": "vocational", "pf_regulated": "yes"}
    assert questions_needed(helper) == ["pf_position", "pf_qualification", "pf_regulated", "pf_german_a2", "pf_abroad"]
    assert questions_needed({"pf_position": "helper_job", "pf_qualification": "none"}) == [
        "pf_position",
        "pf_qualification",
        "pf_abroad",
    ]


@pytest.mark.parametrize(
    ("answers", "titles", "no_prospect"),
    [
        ({"pf_position": "no_offer"}, (), ["no_job_offer"]),
        ({"pf_position": "training", "pf_abroad": "yes"}, ("16a",), []),
        ({"pf_position": "helper_job", "pf_qualification": "none", "pf_abroad": "yes"}, (), ["helper_job"]),
        (
            {
                "pf_position": "helper_job",
                "pf_qualification": "vocational",
                "pf_regulated": "yes",
                "pf_german_a2": "yes",
                "pf_abroad": "yes",
            },
            ("16d3",),
            [],
        ),
        ({**GOOD_CASE, "pf_recognition": "no", "pf_experience": 3.0}, ("16d1", "19c2"), []),
        ({**GOOD_CASE, "pf_recognition": "no", "pf_experience": 1.0}, ("16d1",), []),
    ],
)
def test_the_offer_and_the_experience_reach_the_rules(answers: dict, titles: tuple, no_prospect: list) -> None:
    _, result = result_text(answers, "de", DAY)
    assert result.titles == titles
    assert result.ticket_no_prospect()["reasons"] == no_prospect


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("Berufsausbildung", "vocational"),
        ("university degree", "university"),
        ("vocational", "vocational"),
        ("hochschulabschlus", "university"),
        ("keine formale qualifikation", "none"),
    ],
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


@pytest.mark.parametrize(
    ("slot", "values"),
    [
        ("pf_qualification", QUALIFICATION_TYPES),
        ("pf_licence", LICENCE_STATUSES),
        ("pf_recognition", tuple(set(RECOGNITION_STATUSES) - {"unknown"})),
        ("pf_position", ("skilled_job", "training", "helper_job", "no_offer")),
    ],
)
def test_every_value_the_rules_know_can_be_clicked(slot: str, values: tuple) -> None:
    assert {read_choice(slot, value) for value in values} == set(values)
    assert set(values) <= {read_choice(slot, title) for title in _titles(slot)}


def _titles(slot: str) -> list[str]:
    return [button[language] for button in all_messages()[f"pf_ask_{slot}"]["buttons"] for language in ("de", "en")]
