"""The path finder as a short dialogue: which questions the case needs, how answers are read,
and the result in the employer's language (route, no-prospect findings, costs, timeline)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from rapidfuzz import fuzz, process

from bot.amounts import parse_amount, parse_annual_salary
from bot.answers.formatting import format_date, format_money
from bot.clock import today
from bot.estimates import CostCase, describe_costs, describe_timeline, estimate_costs, estimate_timeline
from bot.knowledge import knowledge
from bot.texts import all_texts, text
from bot.pathfinder import PathInput, PathResult, find_path, salary_between_blue_card_thresholds, summarise
from bot.thresholds import threshold_on

CHOICE_SLOTS = ("pf_position", "pf_qualification", "pf_recognition", "pf_licence")
YES_NO_SLOTS = (
    "pf_regulated",
    "pf_german_a2",
    "pf_shortage",
    "pf_collective_agreement",
    "pf_age_45",
    "pf_pension",
    "pf_abroad",
)
YEARS_SLOTS = ("pf_it_years", "pf_experience")
PATHFINDER_SLOTS = (*CHOICE_SLOTS, *YES_NO_SLOTS, "pf_salary", *YEARS_SLOTS)
CHOICE_CUTOFF = 80.0
QUALIFIED = ("vocational", "university")


def questions_needed(answers: Mapping[str, Any], day: date | None = None) -> list[str]:
    """The questions for this case on ``day`` (default today), in order; later ones depend on earlier answers."""
    day = day or today()
    position = answers.get("pf_position")
    if position == "no_offer":
        return ["pf_position"]
    if position == "training":
        return ["pf_position", "pf_abroad"]
    if position == "helper_job":
        return ["pf_position", *_helper_job_questions(answers), "pf_abroad"]
    return ["pf_position", *_skilled_job_questions(answers, day), "pf_abroad"]


def _helper_job_questions(answers: Mapping[str, Any]) -> list[str]:
    """Only § 16d Abs. 3 allows a helper job: a qualification, a regulated profession, German A2."""
    questions = ["pf_qualification"]
    if answers.get("pf_qualification") in QUALIFIED:
        questions.append("pf_regulated")
    if answers.get("pf_regulated") == "yes":
        questions.append("pf_german_a2")
    return questions


def _shortage_matters(answers: Mapping[str, Any], day: date) -> bool:
    """Only a graduate whose salary lies between the reduced and the general Blue Card threshold."""
    degree = answers.get("pf_qualification") == "university" and answers.get("pf_recognition") != "no"
    return degree and salary_between_blue_card_thresholds(_decimal(answers.get("pf_salary")), day)


def _skilled_job_questions(answers: Mapping[str, Any], day: date) -> list[str]:
    questions = ["pf_qualification"]
    qualification = answers.get("pf_qualification")
    if qualification in QUALIFIED:
        questions += ["pf_recognition", "pf_regulated"]
    if qualification == "it_experience":
        questions.append("pf_it_years")
    if answers.get("pf_regulated") == "yes":
        questions.append("pf_licence")
    if answers.get("pf_recognition") == "no" and answers.get("pf_regulated") == "no":
        questions.append("pf_experience")  # § 19c Abs. 2 can still work without equivalence
    questions.append("pf_salary")
    if _shortage_matters(answers, day):
        questions.append("pf_shortage")
    questions += ["pf_collective_agreement", "pf_age_45"]
    if answers.get("pf_age_45") == "yes":
        questions.append("pf_pension")
    return questions


def question(slot: str, language: str, day: date) -> tuple[str, dict[str, str]]:
    """The message key (bot/messages.yml) that asks for ``slot``, with the values it needs."""
    return shortage_question_values(language, day) if slot == "pf_shortage" else (f"pf_ask_{slot}", {})


def shortage_question_values(language: str, day: date) -> tuple[str, dict[str, str]]:
    """The message key and the two Blue Card thresholds for the shortage/new-entrant question.

    On a day without thresholds the question names the last known ones and their end.
    """
    general, reduced = threshold_on("blue_card", day), threshold_on("blue_card_reduced", day)
    values = {
        "general": format_money(general.annual or Decimal(0), language),
        "reduced": format_money(reduced.annual or Decimal(0), language),
    }
    if general.known and reduced.known:
        return "pf_ask_pf_shortage", values
    until = general.valid_until or day
    return "pf_ask_pf_shortage_last_known", {**values, "until": format_date(until, language)}


def _choices(slot: str) -> dict[str, str]:
    """Every title (both languages) of the slot's buttons → its canonical value."""
    buttons = all_texts()[f"pf_ask_{slot}"].get("buttons", [])
    return {
        button[language].lower(): button["payload"].split('"choice": "')[1].split('"')[0]
        for button in buttons
        for language in ("de", "en")
    }


def read_choice(slot: str, typed: str) -> Optional[str]:
    """The canonical value for a typed or clicked choice, or None."""
    choices = _choices(slot)
    if typed in choices.values():
        return typed
    best = process.extractOne(typed.lower().strip(), list(choices), scorer=fuzz.WRatio, score_cutoff=CHOICE_CUTOFF)
    return choices[best[0]] if best else None


def read_years(typed: str) -> Optional[Decimal]:
    amount = parse_amount(typed)
    return amount if amount is not None and Decimal(0) <= amount <= Decimal(60) else None


def read_salary(typed: str) -> Optional[Decimal]:
    return parse_annual_salary(typed)


def _decimal(value: Any) -> Optional[Decimal]:
    """Slot values arrive as floats; 52000.0 becomes 52000, 45934.2 stays exact."""
    try:
        number = Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
    if number is not None and number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number


def path_input(answers: Mapping[str, Any]) -> PathInput:
    qualification = answers.get("pf_qualification") or "none"
    recognition = answers.get("pf_recognition") or "unknown"
    position = answers.get("pf_position") or "skilled_job"
    experience = answers.get("pf_experience")
    return PathInput(
        qualification_type=qualification,
        recognition_status=recognition,
        job_offer=position in ("skilled_job", "helper_job"),
        training_offer=position == "training",
        helper_job=position == "helper_job",
        german_a2=answers.get("pf_german_a2") == "yes",
        regulated_profession=answers.get("pf_regulated") == "yes",
        licence_status=answers.get("pf_licence") or "none",
        annual_salary_eur=_decimal(answers.get("pf_salary")),
        collective_agreement=answers.get("pf_collective_agreement") == "yes",
        age_45_or_over=answers.get("pf_age_45") == "yes",
        adequate_pension_provision=answers.get("pf_pension") == "yes",
        shortage_or_new_entrant={"yes": True, "no": False}.get(str(answers.get("pf_shortage"))),
        worker_abroad=answers.get("pf_abroad") != "no",
        years_it_experience_last_7=_decimal(answers.get("pf_it_years")),
        years_experience_last_5=_decimal(experience if experience is not None else answers.get("pf_it_years")),
    )


def _section(heading_key: str, lines: tuple[str, ...] | list[str], language: str) -> list[str]:
    return [text(heading_key, language), *(f"• {line}" for line in lines)] if lines else []


def result_text(answers: Mapping[str, Any], language: str, day: date) -> tuple[str, PathResult]:
    result = find_path(path_input(answers), day)
    summary = summarise(result, language, day)
    parts = [
        text("pf_result_titles", language, titles=", ".join(summary.titles))
        if summary.titles
        else text("pf_result_no_title", language),
        text("pf_result_fits" if result.accelerated_procedure_fits else "pf_result_not_fits", language),
        *_section("pf_result_reasons", summary.reasons, language),
        *_section("pf_result_no_prospect", summary.no_prospect, language),
        *_section("pf_result_ruled_out", summary.ruled_out, language),
        *_section("pf_result_alternatives", summary.alternatives, language),
        *_section("pf_result_next_steps", summary.next_steps, language),
    ]
    if result.accelerated_procedure_fits:
        parts += _section("pf_result_costs", describe_costs(estimate_costs(CostCase(), day), language), language)
        parts += _section("pf_result_timeline", describe_timeline(estimate_timeline(day), language), language)
    parts.append(text("pf_result_disclaimer", language, checked=format_date(knowledge().checked, language)))
    return "\n".join(parts), result
