"""Which facts need attention (``make facts-check``): those that expire soon and those not verified.

"Expires" means the period valid on the day ends within the horizon and no period starts the
day after: a period change with the successor already entered is not an expiry. A fact "the
bot states" is a verified fact named by a template or the code (bot/, actions/), directly or as
the base of a derived fact it states.

Only a stated fact that expires within 14 days and is NOT a yearly figure makes the check fail.
A yearly figure (a period that is one calendar year: the contribution ceiling, the training
minimums) is published anew each year, often in December; until its successor is entered the
bot gives the last known value with its validity and refers to the Zentralstelle (issue 14 V1,
tests/bot/test_turn_of_year.py). It is listed as due, so CI does not break on 2026-12-18 for a
fact that legitimately ends on 2026-12-31. A fixed end date of any other fact announces a known
change whose new value belongs in the file before the day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.knowledge import Fact, KnowledgeBase, Period

LIST_WITHIN_DAYS = 60
FAIL_WITHIN_DAYS = 14
LAPSED_LISTED_DAYS = 365
PROJECT_DIR = Path(__file__).resolve().parents[2]
STATING_SOURCES = ("bot", "actions")


@dataclass(frozen=True)
class Expiry:
    fact_id: str
    valid_until: date
    days_left: int  # negative: lapsed that many days ago
    stated: bool
    yearly: bool

    def blocks(self, within_days: int = FAIL_WITHIN_DAYS) -> bool:
        return self.stated and not self.yearly and 0 <= self.days_left <= within_days


@dataclass(frozen=True)
class FreshnessReport:
    day: date
    expiring: tuple[Expiry, ...]
    lapsed: tuple[Expiry, ...]
    unverified: tuple[Fact, ...]

    @property
    def blocking(self) -> tuple[Expiry, ...]:
        return tuple(item for item in self.expiring if item.blocks())


def is_yearly(period: Period) -> bool:
    start, end = period.valid_from, period.valid_until
    return bool(start and end and (start.month, start.day) == (1, 1) and end == date(start.year, 12, 31))


def _covering(fact: Fact, day: date) -> Period | None:
    return next((period for period in fact.periods if period.covers(day)), None)


def _expiry(fact: Fact, day: date, stated: frozenset[str]) -> Expiry | None:
    """The end of the fact's value valid on ``day`` (or of its last value), unless a successor follows."""
    current = _covering(fact, day)
    ended = [p for p in fact.periods if p.valid_until is not None and p.valid_until < day]
    period = current or max(ended, key=lambda p: p.valid_until or date.min, default=None)
    if period is None or period.valid_until is None or _covering(fact, period.valid_until + timedelta(days=1)):
        return None
    return Expiry(fact.id, period.valid_until, (period.valid_until - day).days, fact.id in stated, is_yearly(period))


def freshness_report(kb: KnowledgeBase, day: date, stated: frozenset[str]) -> FreshnessReport:
    expiries = [expiry for fact in kb.facts.values() if (expiry := _expiry(fact, day, stated))]
    expiring = [e for e in expiries if 0 <= e.days_left <= LIST_WITHIN_DAYS]
    lapsed = [e for e in expiries if e.stated and -LAPSED_LISTED_DAYS <= e.days_left < 0]
    return FreshnessReport(
        day=day,
        expiring=tuple(sorted(expiring, key=lambda e: (e.days_left, e.fact_id))),
        lapsed=tuple(sorted(lapsed, key=lambda e: (e.days_left, e.fact_id))),
        unverified=tuple(fact for fact in kb.facts.values() if not fact.verified),
    )


def stated_fact_ids(kb: KnowledgeBase, texts: Iterable[str]) -> frozenset[str]:
    """Verified facts named in ``texts`` (templates, code), with the bases of the derived ones among them."""
    corpus = "\n".join(texts)
    named = {fact_id for fact_id in kb.facts if re.search(rf"\b{re.escape(fact_id)}\b", corpus)}
    pending = list(named)
    while pending:
        derivation = kb.fact(pending.pop()).derivation
        for source in (derivation.base, derivation.share) if derivation else ():
            if source and source not in named:
                named.add(source)
                pending.append(source)
    return frozenset(fact_id for fact_id in named if kb.fact(fact_id).verified)


def project_texts(project_dir: Path = PROJECT_DIR) -> list[str]:
    """The templates and code that state facts: every .py and .yml under bot/ and actions/ but facts.yml."""
    files = [
        path
        for folder in STATING_SOURCES
        for pattern in ("*.py", "*.yml")
        for path in sorted((project_dir / folder).rglob(pattern))
        if path.name != "facts.yml"
    ]
    return [path.read_text(encoding="utf-8") for path in files]
