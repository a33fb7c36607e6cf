"""The context a message gives, as the slots the path finder and the intake read, so neither asks again."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from bot.understanding.notes import is_45_or_over
from bot.understanding.reading import Context


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
