"""Path finder: likely titles, fit of § 81a, and no-prospect findings with what could still work."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers import Percent
from bot.pathfinder import (
    Message,
    PathInput,
    find_path,
    message_texts,
    render_message,
    salary_threshold,
    summarise,
)

DAY = date(2026, 11, 26)


def _alternatives(result, rule: str) -> list[str]:  # type: ignore[no-untyped-def]
    finding = next(f for f in result.no_prospect + result.ruled_out if f.rule == rule)
    return [str(a.params.get("title", a.key)) for a in finding.alternatives]


def test_recognised_vocational_qualification_fits_18a() -> None:
    result = find_path(PathInput("vocational", "yes", annual_salary_eur=Decimal(40000)), DAY)
    assert result.titles == ("18a",)
    assert result.accelerated_procedure_fits
    assert not result.no_prospect
    assert result.ticket_no_prospect() == {"flag": False, "reasons": []}


def test_recognition_not_started_is_started_inside_the_procedure() -> None:
    result = find_path(PathInput("vocational", "not_started", annual_salary_eur=Decimal(40000)), DAY)
    assert "18a" in result.titles
    assert Message("recognition_in_procedure") in result.reasons


def test_pending_recognition_application_is_flagged_for_clarification() -> None:
    result = find_path(PathInput("vocational", "in_progress", annual_salary_eur=Decimal(40000)), DAY)
    assert Message("recognition_already_applied") in result.reasons


def test_degree_above_blue_card_threshold_fits_18b_and_blue_card() -> None:
    result = find_path(PathInput("university", "yes", annual_salary_eur=Decimal(50700)), DAY)
    assert result.titles == ("18b", "blue_card")


def test_degree_below_blue_card_threshold_keeps_18b_and_rules_out_the_card() -> None:
    case = PathInput("university", "yes", annual_salary_eur=Decimal("50699.99"), shortage_or_new_entrant=False)
    result = find_path(case, DAY)
    assert result.titles == ("18b",)
    assert [f.rule for f in result.ruled_out] == ["salary_below_threshold"]
    assert result.ruled_out[0].message.params["threshold"] == Decimal(50700)
    assert not result.no_prospect


def test_shortage_occupation_uses_the_reduced_blue_card_threshold() -> None:
    case = PathInput("university", "yes", annual_salary_eur=Decimal("45934.20"), shortage_or_new_entrant=True)
    result = find_path(case, DAY)
    assert "blue_card" in result.titles
    both = {"general": Decimal(50700), "reduced": Decimal("45934.20")}
    assert Message("blue_card_reduced_threshold_applies", both) in result.reasons


def test_a_graduate_at_47000_is_not_refused_the_blue_card_before_the_shortage_question_is_answered() -> None:
    result = find_path(PathInput("university", "yes", annual_salary_eur=Decimal(47000)), DAY)
    assert "blue_card" in result.titles and not result.ruled_out
    both = {"general": Decimal(50700), "reduced": Decimal("45934.20")}
    assert Message("blue_card_depends_on_shortage", both) in result.reasons


def test_a_graduate_at_47000_outside_shortage_occupations_learns_about_both_thresholds() -> None:
    case = PathInput("university", "yes", annual_salary_eur=Decimal(47000), shortage_or_new_entrant=False)
    result = find_path(case, DAY)
    assert result.titles == ("18b",)
    assert "alternative_blue_card_reduced" in _alternatives(result, "salary_below_threshold")
    german = summarise(result, "de", DAY)
    assert any("45.934,20 €" in text and "50.700 €" in text for text in german.alternatives)


def test_below_the_reduced_threshold_the_shortage_answer_does_not_matter() -> None:
    for shortage in (None, True, False):
        case = PathInput("university", "yes", annual_salary_eur=Decimal(45000), shortage_or_new_entrant=shortage)
        assert find_path(case, DAY).titles == ("18b",)


def test_worker_45_or_over_below_threshold_has_no_prospect_and_is_told_about_pension_provision() -> None:
    case = PathInput("vocational", "yes", annual_salary_eur=Decimal(50000), age_45_or_over=True)
    result = find_path(case, DAY)
    assert result.titles == ()
    assert result.ticket_no_prospect() == {"flag": True, "reasons": ["salary_below_threshold"]}
    assert "alternative_pension_provision" in _alternatives(result, "salary_below_threshold")


def test_worker_45_or_over_with_adequate_pension_provision_is_exempt() -> None:
    case = PathInput(
        "vocational", "yes", annual_salary_eur=Decimal(30000), age_45_or_over=True, adequate_pension_provision=True
    )
    result = find_path(case, DAY)
    assert result.titles == ("18a",)
    assert Message("pension_provision_exemption") in result.reasons


def test_45_plus_threshold_applies_from_55770_in_2026() -> None:
    case = PathInput("university", "yes", annual_salary_eur=Decimal(55770), age_45_or_over=True)
    assert "18b" in find_path(case, DAY).titles


def test_experience_route_fits_with_salary_at_threshold() -> None:
    case = PathInput("vocational", "no", annual_salary_eur=Decimal(45630), years_experience_last_5=Decimal(2))
    result = find_path(case, DAY)
    assert "19c2" in result.titles and "16d1" in result.titles
    assert Message("step_dab") in result.next_steps


def test_experience_route_below_threshold_needs_a_collective_agreement() -> None:
    below = PathInput("vocational", "no", annual_salary_eur=Decimal(40000), years_experience_last_5=Decimal(3))
    result = find_path(below, DAY)
    assert "19c2" not in result.titles
    assert "alternative_collective_agreement" in _alternatives(result, "salary_below_threshold")
    with_agreement = PathInput(
        "vocational",
        "no",
        annual_salary_eur=Decimal(40000),
        years_experience_last_5=Decimal(3),
        collective_agreement=True,
    )
    assert "19c2" in find_path(with_agreement, DAY).titles


def test_experience_route_is_closed_to_regulated_professions() -> None:
    case = PathInput(
        "vocational",
        "no",
        regulated_profession=True,
        annual_salary_eur=Decimal(60000),
        years_experience_last_5=Decimal(5),
    )
    assert "19c2" not in find_path(case, DAY).titles


def test_no_formal_qualification_has_no_prospect_but_names_training_and_the_it_route_without_recognition() -> None:
    result = find_path(PathInput("none", annual_salary_eur=Decimal(60000)), DAY)
    assert not result.accelerated_procedure_fits
    assert result.ticket_no_prospect()["reasons"] == ["no_formal_qualification"]
    assert _alternatives(result, "no_formal_qualification") == ["16a", "alternative_it_without_degree"]


@pytest.mark.parametrize("language", ["de", "en"])
def test_without_a_formal_qualification_the_experience_route_is_never_offered(language: str) -> None:
    result = find_path(PathInput("none", annual_salary_eur=Decimal(60000), years_experience_last_5=Decimal(5)), DAY)
    summary = summarise(result, language, DAY)
    assert "19c2" not in result.titles
    offered = [m for f in result.no_prospect for m in f.alternatives if m.key == "alternative_title"]
    assert "19c2" not in [m.params["title"] for m in offered]
    it_route = next(text for text in summary.alternatives if "§ 18g" in text)
    assert ("keine Anerkennung" if language == "de" else "no recognition is needed") in it_route
    assert not any("Ausnahme" in text or "exception" in text for text in summary.no_prospect)


def test_it_specialists_without_a_degree_are_told_no_recognition_is_needed() -> None:
    case = PathInput("it_experience", annual_salary_eur=Decimal(60000), years_it_experience_last_7=Decimal(4))
    result = find_path(case, DAY)
    assert Message("it_no_recognition_needed") in result.reasons
    assert "brauchen keine Anerkennung" in render_message(Message("it_no_recognition_needed"), "de", DAY)


def test_no_formal_qualification_with_a_training_place_fits_16a() -> None:
    result = find_path(PathInput("none", training_offer=True, job_offer=False), DAY)
    assert result.titles == ("16a",)
    assert not result.no_prospect


def test_it_experience_of_three_years_fits_the_it_blue_card() -> None:
    case = PathInput("it_experience", annual_salary_eur=Decimal("45934.20"), years_it_experience_last_7=Decimal(3))
    assert "it_blue_card" in find_path(case, DAY).titles


def test_it_experience_of_two_years_fits_only_the_experience_route() -> None:
    case = PathInput(
        "it_experience",
        annual_salary_eur=Decimal(46000),
        years_it_experience_last_7=Decimal(2),
        years_experience_last_5=Decimal(2),
    )
    result = find_path(case, DAY)
    assert result.titles == ("19c2",)
    assert [f.rule for f in result.ruled_out] == ["experience_too_short"]


def test_regulated_profession_with_licence_refused_has_no_prospect() -> None:
    case = PathInput("vocational", "no", regulated_profession=True, licence_status="refused")
    result = find_path(case, DAY)
    assert result.ticket_no_prospect() == {"flag": True, "reasons": ["licence_refused"]}
    assert set(_alternatives(result, "licence_refused")) == {"16d1", "16d3"}


def test_regulated_profession_without_licence_yet_is_obtained_in_the_procedure() -> None:
    case = PathInput("vocational", "not_started", regulated_profession=True, annual_salary_eur=Decimal(40000))
    result = find_path(case, DAY)
    assert result.accelerated_procedure_fits
    assert Message("licence_obtained_in_procedure") in result.reasons


def test_helper_job_has_no_prospect() -> None:
    result = find_path(PathInput("vocational", "yes", helper_job=True), DAY)
    assert result.ticket_no_prospect() == {"flag": True, "reasons": ["helper_job"]}
    assert _alternatives(result, "helper_job") == ["16d3"]


def test_a_helper_job_is_not_asked_for_a_salary() -> None:
    result = find_path(PathInput("university", helper_job=True), DAY)
    assert Message("salary_unknown") not in result.reasons
    assert Message("step_state_salary") not in result.next_steps


def test_a_helper_without_qualification_is_pointed_to_vocational_training_not_the_partnership() -> None:
    result = find_path(PathInput("none", helper_job=True), DAY)
    assert _alternatives(result, "helper_job") == ["16a"]


def test_helper_job_in_a_regulated_profession_with_a2_fits_the_recognition_partnership() -> None:
    case = PathInput("vocational", "not_started", regulated_profession=True, helper_job=True, german_a2=True)
    result = find_path(case, DAY)
    assert result.titles == ("16d3",)
    assert not result.no_prospect


def test_worker_already_in_germany_does_not_fit_the_procedure() -> None:
    result = find_path(PathInput("vocational", "yes", worker_abroad=False), DAY)
    assert not result.accelerated_procedure_fits
    assert result.titles == ()
    assert result.ticket_no_prospect()["reasons"] == ["worker_in_germany"]
    assert _alternatives(result, "worker_in_germany") == ["alternative_after_entry_office"]


def test_missing_job_offer_points_to_the_opportunity_card() -> None:
    result = find_path(PathInput("vocational", "yes", job_offer=False), DAY)
    assert _alternatives(result, "no_job_offer") == ["chancenkarte"]


def test_without_salary_the_thresholds_are_not_judged() -> None:
    result = find_path(PathInput("university", "yes"), DAY)
    assert "blue_card" in result.titles
    assert Message("step_state_salary") in result.next_steps


def test_year_without_thresholds_refers_instead_of_judging() -> None:
    result = find_path(PathInput("university", "yes", annual_salary_eur=Decimal(1000)), date(2027, 1, 1))
    assert "blue_card" in result.titles and result.unchecked == ("blue_card",)
    unknown = next(m for m in result.reasons if m.key == "threshold_unknown_for_day")
    assert unknown.params["threshold"] == Decimal(50700) and unknown.params["valid_until"] == date(2026, 12, 31)
    assert Message("threshold_unknown_salary_below_last_known", {"salary": Decimal(1000)}) in result.reasons
    assert Message("step_contact_zentralstelle") in result.next_steps
    assert not result.no_prospect and not result.ruled_out


def test_invalid_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="qualification_type"):
        PathInput("phd")


@pytest.mark.parametrize("key", sorted(message_texts().messages))
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_message_renders_in_both_languages(key: str, language: str) -> None:
    params = {
        "title": "blue_card",
        "salary": Decimal(48000),
        "threshold": Decimal(50700),
        "share": Percent(50),
        "legal_basis": "§ 18g Abs. 1 S. 1 AufenthG",
        "valid_from": date(2026, 1, 1),
        "valid_until": date(2026, 12, 31),
        "general": Decimal(50700),
        "reduced": Decimal("45934.20"),
    }
    text = render_message(Message(key, params), language, DAY)
    assert text and "{" not in text


def test_salary_finding_renders_figures_per_language() -> None:
    case = PathInput("university", "yes", annual_salary_eur=Decimal(48000), shortage_or_new_entrant=False)
    result = find_path(case, DAY)
    german = render_message(result.ruled_out[0].message, "de", DAY)
    english = render_message(result.ruled_out[0].message, "en", DAY)
    assert "48.000 €" in german and "50.700 €" in german and "Blaue Karte EU" in german
    assert "€48,000" in english and "€50,700" in english and "EU Blue Card" in english
    assert "50 % der Beitragsbemessungsgrenze, § 18g Abs. 1 S. 1 AufenthG" in german
    assert "50% of the pension contribution ceiling, § 18g Abs. 1 S. 1 AufenthG" in english


YEARS = st.sampled_from([date(2024, 6, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31)])
SALARIES = st.decimals(min_value=30000, max_value=70000, places=2)


@settings(deadline=None)
@given(day=YEARS, salary=SALARIES)
def test_blue_card_is_offered_exactly_when_salary_reaches_the_threshold_of_the_day(day: date, salary: Decimal) -> None:
    threshold = salary_threshold("blue_card", day)
    assert threshold is not None
    case = PathInput("university", "yes", annual_salary_eur=salary, shortage_or_new_entrant=False)
    titles = find_path(case, day).titles
    assert ("blue_card" in titles) == (salary >= threshold)


@settings(deadline=None)
@given(day=YEARS, salary=SALARIES, agreement=st.booleans())
def test_experience_route_needs_threshold_unless_collective_agreement(
    day: date, salary: Decimal, agreement: bool
) -> None:
    threshold = salary_threshold("19c2", day)
    assert threshold is not None
    case = PathInput(
        "vocational", "no", annual_salary_eur=salary, years_experience_last_5=Decimal(2), collective_agreement=agreement
    )
    assert ("19c2" in find_path(case, day).titles) == (agreement or salary >= threshold)


@settings(deadline=None)
@given(day=YEARS, salary=SALARIES, pension=st.booleans())
def test_45_plus_rule_needs_threshold_unless_pension_provision(day: date, salary: Decimal, pension: bool) -> None:
    threshold = salary_threshold("age_45_plus", day)
    assert threshold is not None
    case = PathInput(
        "vocational", "yes", annual_salary_eur=salary, age_45_or_over=True, adequate_pension_provision=pension
    )
    result = find_path(case, day)
    assert ("18a" in result.titles) == (pension or salary >= threshold)
    assert bool(result.no_prospect) == (not pension and salary < threshold)


def test_every_path_title_has_a_name_and_an_answer_topic() -> None:
    from bot.answers import render
    from bot.pathfinder import residence_title_param, title_name

    for title in message_texts().titles:
        assert title_name(title, "de") and title_name(title, "en")
        answer = render("residence_title", "de", DAY, {"residence_title": residence_title_param(title)})
        assert not answer.buttons, f"{title} fell back to the overview"


def test_summary_renders_a_no_prospect_case_with_what_could_still_work() -> None:
    from bot.pathfinder import summarise

    result = find_path(PathInput("vocational", "yes", annual_salary_eur=Decimal(50000), age_45_or_over=True), DAY)
    summary = summarise(result, "de", DAY)
    assert summary.titles == ()
    assert summary.no_prospect == (
        (
            "Gehalt 50.000 € liegt unter der Grenze für Fachkraft mit Berufsausbildung (§ 18a AufenthG): "
            "55.770 € brutto im Jahr (55 % der Beitragsbemessungsgrenze, § 18 Abs. 2 Nr. 5 AufenthG; "
            "gültig am 26.11.2026)."
        ),
    )
    assert any("angemessenen Altersversorgung" in text for text in summary.alternatives)
    assert any("55.770 €" in text for text in summary.alternatives)


def test_summary_names_titles_and_steps_in_english() -> None:
    from bot.pathfinder import summarise

    result = find_path(PathInput("university", "yes", annual_salary_eur=Decimal(60000)), DAY)
    summary = summarise(result, "en", DAY)
    assert summary.titles == (
        "skilled worker with a university degree (§ 18b AufenthG)",
        "EU Blue Card (§ 18g AufenthG)",
    )
    assert any("€411" in step for step in summary.next_steps)
