"""The salary thresholds on a given day: value, share of the pension contribution ceiling, rule.

Public API for everyone who compares a salary: ``thresholds_on(day)``, ``threshold_on(kind, day)``
and ``check_salary(kind, annual_salary, day)``. A threshold without a value for the day is
``known=False`` with the last known value and its validity: never a failed check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from bot.knowledge import MissingValue, Period, ValueOn, value_on

# kind -> (annual fact, monthly fact); the share and the ceiling follow from the fact's derivation.
THRESHOLD_FACTS = {
    "blue_card": ("salary_blue_card_general", "salary_blue_card_general_monthly"),
    "blue_card_reduced": ("salary_blue_card_reduced", "salary_blue_card_reduced_monthly"),
    "19c2": ("salary_experience_route", "salary_experience_route_monthly"),
    "age_45_plus": ("salary_age_45_plus", "salary_age_45_plus_monthly"),
}
THRESHOLD_KINDS = tuple(THRESHOLD_FACTS)

Outcome = Literal["meets", "below", "unknown"]


@dataclass(frozen=True)
class Threshold:
    """One threshold on ``day``. When ``known`` is False the figures are the last known ones."""

    kind: str
    day: date
    known: bool
    rule: str  # the legal source, e.g. "§ 18g Abs. 1 S. 1 AufenthG"
    share_percent: Decimal | None  # e.g. 45.3
    ceiling: Decimal | None  # the annual pension contribution ceiling the value is a share of
    annual: Decimal | None
    monthly: Decimal | None
    valid_from: date | None
    valid_until: date | None


@dataclass(frozen=True)
class SalaryCheck:
    outcome: Outcome
    threshold: Threshold


def _period(fact_id: str, day: date) -> tuple[bool, Period | None, str]:
    lookup = value_on(fact_id, day)
    if isinstance(lookup, ValueOn):
        return True, lookup.period, lookup.fact.source
    assert isinstance(lookup, MissingValue)
    return False, lookup.last_known, lookup.fact.source


def _decimal_on(fact_id: str | None, day: date | None) -> Decimal | None:
    if fact_id is None or day is None:
        return None
    lookup = value_on(fact_id, day)
    return lookup.value if isinstance(lookup, ValueOn) and isinstance(lookup.value, Decimal) else None


def threshold_on(kind: str, day: date) -> Threshold:
    """The threshold of ``kind`` (see THRESHOLD_KINDS) valid on ``day``, or the last known one."""
    annual_id, monthly_id = THRESHOLD_FACTS[kind]
    known, period, rule = _period(annual_id, day)
    annual = period.value if period and isinstance(period.value, Decimal) else None
    # figures that belong to the same period as the annual value (its first day), also when it has lapsed
    same_period = period.valid_from or period.valid_until if period else None
    derivation = value_on(annual_id, day).fact.derivation
    return Threshold(
        kind=kind,
        day=day,
        known=known and annual is not None,
        rule=rule,
        share_percent=_decimal_on(derivation.share if derivation else None, same_period),
        ceiling=_decimal_on(derivation.base if derivation else None, same_period),
        annual=annual,
        monthly=_decimal_on(monthly_id, same_period),
        valid_from=period.valid_from if period else None,
        valid_until=period.valid_until if period else None,
    )


def thresholds_on(day: date) -> dict[str, Threshold]:
    """Every salary threshold on ``day``, by kind."""
    return {kind: threshold_on(kind, day) for kind in THRESHOLD_KINDS}


def check_salary(kind: str, annual_salary: Decimal, day: date) -> SalaryCheck:
    """Compare a gross annual salary with the threshold of ``kind`` on ``day``.

    ``unknown`` when the day has no threshold: the caller must say which check could not be
    made (``threshold`` carries the last known value and its validity), never read it as "below".
    """
    threshold = threshold_on(kind, day)
    if not threshold.known or threshold.annual is None:
        return SalaryCheck("unknown", threshold)
    return SalaryCheck("below" if annual_salary < threshold.annual else "meets", threshold)
