from datetime import date
from decimal import Decimal

import pytest

from bot.texts import all_texts
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
    return [button[language] for button in all_texts()[f"pf_ask_{slot}"]["buttons"] for language in ("de", "en")]


GRADUATE = {**GOOD_CASE, "pf_qualification": "university"}


@pytest.mark.parametrize(
    ("salary", "asked"),
    [(45934.19, False), (45934.2, True), (47000.0, True), (50699.99, True), (50700.0, False), (None, False)],
)
def test_shortage_or_new_entrant_is_asked_only_between_the_two_blue_card_thresholds(
    salary: float | None, asked: bool
) -> None:
    answers = {**GRADUATE, "pf_salary": salary}
    questions = questions_needed(answers, DAY)
    assert ("pf_shortage" in questions) == asked
    if asked:
        assert questions.index("pf_salary") + 1 == questions.index("pf_shortage")


def test_shortage_is_not_asked_for_vocational_training_or_a_refused_degree() -> None:
    assert "pf_shortage" not in questions_needed({**GOOD_CASE, "pf_salary": 47000.0}, DAY)
    assert "pf_shortage" not in questions_needed({**GRADUATE, "pf_salary": 47000.0, "pf_recognition": "no"}, DAY)


def test_in_2027_the_last_known_thresholds_decide_whether_to_ask() -> None:
    assert "pf_shortage" in questions_needed({**GRADUATE, "pf_salary": 47000.0}, date(2027, 1, 15))


@pytest.mark.parametrize(("answer", "blue_card"), [("yes", True), ("no", False)])
def test_the_shortage_answer_decides_the_blue_card_between_the_thresholds(answer: str, blue_card: bool) -> None:
    text, result = result_text({**GRADUATE, "pf_salary": 47000.0, "pf_shortage": answer}, "de", DAY)
    assert ("blue_card" in result.titles) == blue_card
    assert "45.934,20 €" in text and "50.700 €" in text


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_shortage_question_names_both_thresholds(language: str) -> None:
    from bot.texts import text
    from bot.pathfinder_dialogue import shortage_question_values

    key, values = shortage_question_values(language, DAY)
    question = text(key, language, **values)
    assert key == "pf_ask_pf_shortage"
    assert ("50.700 €" if language == "de" else "€50,700") in question
    assert ("45.934,20 €" if language == "de" else "€45,934.20") in question
    key, values = shortage_question_values(language, date(2027, 1, 15))
    assert key == "pf_ask_pf_shortage_last_known"
    assert ("31.12.2026" if language == "de" else "31 December 2026") in text(key, language, **values)


@pytest.mark.parametrize(
    ("language", "cautious", "categorical"),
    [
        ("de", ["kommt in Betracht", "In Frage kommt", "Nach Ihren Angaben voraussichtlich nicht möglich"], []),
        (
            "en",
            ["could be an option", "Probably not possible on the details given"],
            ["can be used", "Not possible in"],
        ),
    ],
)
def test_results_keep_the_cautious_meaning_in_both_languages(
    language: str, cautious: list[str], categorical: list[str]
) -> None:
    text, _ = result_text({**GRADUATE, "pf_salary": 47000.0, "pf_shortage": "no"}, language, DAY)
    assert all(phrase in text for phrase in cautious)
    assert not any(phrase in text for phrase in categorical)
