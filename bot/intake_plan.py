"""The intake's questions: which the case needs (never one already answered, e.g. by the path
finder), which may be skipped, and the summary shown before consent."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from rapidfuzz import fuzz, process

from bot.answers.formatting import format_date, format_money
from bot.case_fields import country_name
from bot.texts import all_texts, text
from bot.routing import Routing, municipality_by_id

OUTSIDE_REGION = "outside_region"
SKIPPED = "skipped"
OPTIONAL_FIELDS = frozenset({"start_date", "residence_municipality", "contact_phone", "family_members", "nationality"})
SUMMARY_FIELDS = (
    "company_name",
    "business_type",
    "workplace_municipality",
    "occupation",
    "salary_annual_eur",
    "nationality",
    "country_of_residence",
    "start_date",
    "family_members",
    "residence_municipality",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def questions_needed(answers: Mapping[str, Any]) -> list[str]:
    """The intake's questions for this case, in order."""
    questions = ["company_name", "business_type", "workplace_municipality"]
    if answers.get("workplace_municipality") == OUTSIDE_REGION:
        return questions
    questions += ["occupation", "pf_qualification"]
    if answers.get("pf_qualification") in ("vocational", "university"):
        questions.append("pf_recognition")
    questions += ["pf_salary", "pf_collective_agreement", "pf_age_45"]
    if answers.get("pf_age_45") == "yes":
        questions.append("pf_pension")
    questions.append("nationality")
    if answers.get("pf_abroad") != "no":
        questions.append("country_of_residence")
    questions += [
        "start_date",
        "family_members",
        "residence_municipality",
        "contact_name",
        "contact_email",
        "contact_phone",
        "consent",
    ]
    return questions


def answered(value: Any) -> bool:
    return value is not None and value != SKIPPED


def display_value(field: str, value: Any, language: str) -> str:
    if field == "business_type":
        return text(f"business_type_{value}", language)
    if field in ("workplace_municipality", "residence_municipality"):
        place = municipality_by_id(str(value))
        return place.name if place else str(value)
    if field in ("nationality", "country_of_residence"):
        return country_name(str(value), language)
    if field == "start_date":
        return format_date(date.fromisoformat(str(value)), language)
    if field == "salary_annual_eur":
        return format_money(Decimal(str(value)), language)
    return str(value)


def summary_lines(case: Mapping[str, Any], routing: Routing, findings: list[str], language: str) -> list[str]:
    lines = [
        f"• {text(f'summary_{field}', language)}: {display_value(field, case[field], language)}"
        for field in SUMMARY_FIELDS
        if answered(case.get(field))
    ]
    label = "summary_first_advice_org" if routing.pre_check_org.id == "welcome_center" else "summary_pre_check_org"
    lines.append(f"• {text(label, language)}: {routing.pre_check_org.name(language)}")
    if routing.notes.get("pre_check_org") == "cooperation_continuation_unverified" and label == "summary_pre_check_org":
        lines.append(f"• {text('summary_pre_check_unconfirmed', language)}")
    office = routing.after_entry_office
    after_entry = office.name(language) if office else text("after_entry_depends", language)
    lines.append(f"• {text('summary_after_entry_office', language)}: {after_entry}")
    lines += [f"• {text('summary_no_prospect', language)}: {finding}" for finding in findings]
    return lines


def optional(field: str) -> bool:
    return field in OPTIONAL_FIELDS


# Corrections: the `field` entity's values (and the "which detail?" buttons) → the slot they change.
CORRECTABLE_FIELDS = {
    **{field: field for field in SUMMARY_FIELDS if field != "salary_annual_eur"},
    "salary": "pf_salary",
}
PLACE_FIELDS = ("workplace_municipality", "residence_municipality")
ASK_WHICH_FIELD = "correction_field"  # the pseudo-question "which detail?" of the intake form
FIELD_NAME_CUTOFF = 80.0


def correctable(named: Any) -> str | None:
    """The slot a named field (entity value, button payload) stands for, or None."""
    return CORRECTABLE_FIELDS.get(str(named)) if named else None


def field_label(slot: str, language: str) -> str:
    """The field's name as the summary shows it."""
    return text("summary_salary_annual_eur" if slot == "pf_salary" else f"summary_{slot}", language)


def field_named(typed: str) -> str | None:
    """The slot a typed answer to "which detail?" names ("die E-Mail", "phone"), by the buttons' titles."""
    titles = {
        button[language].lower(): json.loads(button["payload"][button["payload"].index("{") :])["field"]
        for button in all_texts()["correction_which_field"]["buttons"]
        for language in ("de", "en")
    }
    best = process.extractOne(typed.lower().strip(), list(titles), scorer=fuzz.WRatio, score_cutoff=FIELD_NAME_CUTOFF)
    return correctable(titles[best[0]]) if best else None


def field_to_correct(named: str | None, mentions: Mapping[str, bool], answered_latest_first: list[str]) -> str | None:
    """Which field a correction is about: the one named; else the kind of value the message
    contains (a place: the place answered last; an e-mail; a phone number); else None."""
    if correctable(named):
        return correctable(named)
    if mentions.get("place"):
        return next((slot for slot in answered_latest_first if slot in PLACE_FIELDS), PLACE_FIELDS[0])
    for kind, slot in (("email", "contact_email"), ("phone", "contact_phone")):
        if mentions.get(kind):
            return slot
    return None
