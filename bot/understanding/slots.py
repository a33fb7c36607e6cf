"""The context a message gives, as the slots the path finder and the intake read, so neither asks again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Mapping

from bot.understanding.notes import is_45_or_over
from bot.understanding.reading import Context, Reading, fold, read_occupation


def context_slots(context: Context, filled: Mapping[str, Any], day: date) -> dict[str, Any]:
    """Slot values for what the context names and no slot holds yet."""
    over = is_45_or_over(context.age, day) if context.age is not None else None
    values: dict[str, Any] = {
        "business_type": context.business_type,
        "workplace_municipality": context.municipality,
        "occupation": context.occupation,
        "nationality": context.nationality,
        "pf_salary": float(context.salary.annual) if context.salary else None,
        "pf_age_45": None if over is None else ("yes" if over else "no"),
        "pf_qualification": context.qualification,
        "family_members": context.family_members,
    }
    return {slot: value for slot, value in values.items() if value is not None and filled.get(slot) is None}


def with_earlier_context(reading: Reading, filled: Mapping[str, Any]) -> Reading:
    """What earlier messages said about the worker, where this one says nothing: "and 4,200 a month?" after
    "our mechatronics technician is 52" is compared with the threshold from age 45, not the Blue Card's."""
    context, known = reading.context, {}
    if context.age is None and filled.get("pf_age_45") in ("yes", "no"):
        known["over_45"] = filled["pf_age_45"] == "yes"
    if context.qualification is None and filled.get("pf_qualification") in ("vocational", "university"):
        known["qualification"] = filled["pf_qualification"]
    occupation = filled.get("occupation")
    if context.occupation is None and isinstance(occupation, str) and occupation:
        known["occupation"], known["occupation_group"] = occupation, read_occupation(occupation, fold(occupation))[1]
    return replace(reading, context=replace(context, **known)) if known else reading
