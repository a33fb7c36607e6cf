"""Which facts of the bot's knowledge file need attention, for the admins' dashboard.

The backend never imports the bot: it reads the knowledge file (YAML) as data, with this small
reader of its own, and lists what `make facts-check` lists: facts whose validity ends within 60
days without a successor period, and facts marked unverified. Derived facts (a share of another
fact, or another fact divided) are valid where their bases are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

LIST_WITHIN_DAYS = 60
Window = tuple[date | None, date | None]


@dataclass(frozen=True)
class ExpiringFact:
    fact_id: str
    source: str
    valid_until: date
    days_left: int
    yearly: bool


@dataclass(frozen=True)
class UnverifiedFact:
    fact_id: str
    source: str
    referral: str


@dataclass(frozen=True)
class FactFreshness:
    day: date
    expiring: tuple[ExpiringFact, ...] = ()
    unverified: tuple[UnverifiedFact, ...] = ()
    readable: bool = True


def _window(raw: dict[str, Any]) -> Window:
    return raw.get("valid_from"), raw.get("valid_until")


def _intersect(first: Window, second: Window) -> Window | None:
    starts = [d for d in (first[0], second[0]) if d is not None]
    ends = [d for d in (first[1], second[1]) if d is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    return None if start and end and start > end else (start, end)


def _windows(fact_id: str, facts: dict[str, dict[str, Any]], seen: frozenset[str] = frozenset()) -> list[Window]:
    fact = facts[fact_id]
    if "values" in fact:
        return [_window(period) for period in fact["values"]]
    if fact_id in seen:
        raise ValueError(f"fact {fact_id} is derived from itself")
    derived = fact["derived"]
    bases = _windows(derived["base"], facts, seen | {fact_id})
    shares = _windows(derived["share"], facts, seen | {fact_id}) if "share" in derived else [(None, None)]
    return [w for base in bases for share in shares if (w := _intersect(base, share)) is not None]


def _covers(window: Window, day: date) -> bool:
    return (window[0] is None or window[0] <= day) and (window[1] is None or day <= window[1])


def _is_yearly(window: Window) -> bool:
    start, end = window
    return bool(start and end and (start.month, start.day) == (1, 1) and end == date(start.year, 12, 31))


def _expiring(fact_id: str, source: str, windows: list[Window], day: date) -> ExpiringFact | None:
    current = next((w for w in windows if _covers(w, day)), None)
    if current is None or current[1] is None:
        return None
    until = current[1]
    if any(_covers(w, until + timedelta(days=1)) for w in windows) or (until - day).days > LIST_WITHIN_DAYS:
        return None
    return ExpiringFact(fact_id, source, until, (until - day).days, _is_yearly(current))


def fact_freshness(document: Any, day: date) -> FactFreshness:
    """The facts of a loaded knowledge document that expire within 60 days of ``day``, and the unverified ones."""
    facts = {fact["id"]: fact for fact in document["facts"]}
    expiring = [
        item
        for fact_id, fact in facts.items()
        if (item := _expiring(fact_id, str(fact.get("source") or ""), _windows(fact_id, facts), day))
    ]
    unverified = [
        UnverifiedFact(f["id"], str(f.get("source") or ""), str(f.get("referral") or ""))
        for f in facts.values()
        if not f["verified"]
    ]
    return FactFreshness(
        day=day,
        expiring=tuple(sorted(expiring, key=lambda item: (item.days_left, item.fact_id))),
        unverified=tuple(unverified),
    )


def read_fact_freshness(path: Path, day: date) -> FactFreshness:
    """As ``fact_freshness`` for the file at ``path``; an unreadable file is reported, never raised."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        return fact_freshness(document, day)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError):
        return FactFreshness(day=day, readable=False)
