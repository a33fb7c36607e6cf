"""Loader for the versioned knowledge file ``facts.yml``.

Every figure the assistant states comes from here. ``value_on`` never presents an
outdated figure as current: for a day without a valid value it returns a
``MissingValue`` that names the last known value and when it stopped being valid.

A fact may be ``derived`` instead of carrying ``values``: a share of another fact
(the salary thresholds are fixed shares of the pension contribution ceiling) or
another fact divided by a whole number (monthly = annual / 12). Its periods are
computed exactly with Decimal when the file is read, so a new year is one entry
in the base fact; a result that is not exact is refused, never rounded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, Inexact, localcontext
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent
FACTS_PATH = KNOWLEDGE_DIR / "facts.yml"

UNITS = frozenset(
    {
        "EUR",
        "EUR_per_year",
        "EUR_per_month",
        "EUR_per_line",
        "percent",
        "months",
        "weeks",
        "working_days",
        "years",
        "hours_per_week",
        "points",
        "count",
        "text",
        "date",
    }
)
QUALIFIERS = frozenset({"about", "usually", "should"})
REFERRALS = frozenset({"zentralstelle", "ihk_hannover", "hwk_hannover", "welcome_center", "after_entry_office"})


class KnowledgeError(ValueError):
    """The knowledge file is malformed or a fact id is unknown."""


@dataclass(frozen=True)
class Range:
    minimum: Decimal
    maximum: Decimal


FactValue = Decimal | Range | str | date | None


@dataclass(frozen=True)
class Period:
    value: FactValue
    valid_from: date | None
    valid_until: date | None
    source: str | None = None  # the publication of this period's value, where it differs per period

    def covers(self, day: date) -> bool:
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_until is None or day <= self.valid_until
        return starts_ok and ends_ok


@dataclass(frozen=True)
class Derivation:
    """``base`` × ``share`` % (``share`` names a percent fact), or ``base`` ÷ ``divisor``."""

    base: str
    share: str | None = None
    divisor: int | None = None


@dataclass(frozen=True)
class Fact:
    id: str
    unit: str
    source: str
    link: str | None
    checked: date
    verified: bool
    periods: tuple[Period, ...]
    qualifier: str | None = None
    referral: str | None = None
    caveat: str | None = None
    derivation: Derivation | None = None


@dataclass(frozen=True)
class ValueOn:
    """The value of a fact valid on ``day``."""

    fact: Fact
    day: date
    period: Period

    @property
    def value(self) -> FactValue:
        return self.period.value


@dataclass(frozen=True)
class MissingValue:
    """No value valid on ``day``; ``last_known`` is the latest period ending before it, if any."""

    fact: Fact
    day: date
    last_known: Period | None


Lookup = ValueOn | MissingValue


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    checked: date
    facts: dict[str, Fact]

    def fact(self, fact_id: str) -> Fact:
        try:
            return self.facts[fact_id]
        except KeyError:
            raise KnowledgeError(f"unknown fact id: {fact_id!r}") from None

    def value_on(self, fact_id: str, day: date) -> Lookup:
        fact = self.fact(fact_id)
        for period in fact.periods:
            if period.covers(day):
                return ValueOn(fact=fact, day=day, period=period)
        return MissingValue(fact=fact, day=day, last_known=_last_known_before(fact, day))


def _last_known_before(fact: Fact, day: date) -> Period | None:
    ended = [p for p in fact.periods if p.valid_until is not None and p.valid_until < day]
    return max(ended, key=lambda p: p.valid_until or date.min, default=None)


# ---------------------------------------------------------------- parsing


def _as_date(raw: Any, where: str) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, date):
        return raw
    raise KnowledgeError(f"{where}: expected an ISO date, got {raw!r}")


def _as_decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise KnowledgeError(f"{where}: expected a number, got {raw!r}")
    try:
        return Decimal(str(raw))
    except ArithmeticError:
        raise KnowledgeError(f"{where}: not a number: {raw!r}") from None


def _parse_value(raw: Any, unit: str, where: str) -> FactValue:
    if raw is None:
        return None
    if unit == "text":
        if not isinstance(raw, str):
            raise KnowledgeError(f"{where}: text fact needs a string")
        return raw
    if unit == "date":
        return _as_date(raw, where)
    if isinstance(raw, dict):
        if set(raw) != {"min", "max"}:
            raise KnowledgeError(f"{where}: a range needs exactly min and max")
        low, high = _as_decimal(raw["min"], where), _as_decimal(raw["max"], where)
        if low > high:
            raise KnowledgeError(f"{where}: range min above max")
        return Range(low, high)
    return _as_decimal(raw, where)


_PERIOD_KEYS = {"value", "valid_from", "valid_until"}


def _parse_period(raw: Any, unit: str, where: str) -> Period:
    if not isinstance(raw, dict) or not _PERIOD_KEYS <= set(raw) <= _PERIOD_KEYS | {"source"}:
        raise KnowledgeError(f"{where}: a period needs exactly value, valid_from, valid_until (and may name a source)")
    source = raw.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise KnowledgeError(f"{where}: a period's source must be a non-empty string")
    period = Period(
        value=_parse_value(raw["value"], unit, where),
        valid_from=_as_date(raw["valid_from"], where),
        valid_until=_as_date(raw["valid_until"], where),
        source=source,
    )
    if period.valid_from and period.valid_until and period.valid_from > period.valid_until:
        raise KnowledgeError(f"{where}: valid_from after valid_until")
    return period


_REQUIRED_KEYS = {"id", "unit", "source", "link", "checked", "verified"}
_OPTIONAL_KEYS = {"qualifier", "referral", "caveat"}
_VALUE_KEYS = {"values", "derived"}  # exactly one of them


def _check_fact_keys(raw: dict[str, Any], where: str) -> None:
    missing = _REQUIRED_KEYS - set(raw)
    unknown = set(raw) - _REQUIRED_KEYS - _OPTIONAL_KEYS - _VALUE_KEYS
    if missing or unknown:
        raise KnowledgeError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    if len(_VALUE_KEYS & set(raw)) != 1:
        raise KnowledgeError(f"{where}: needs either values or derived")
    if raw["unit"] not in UNITS:
        raise KnowledgeError(f"{where}: unknown unit {raw['unit']!r}")
    if raw.get("qualifier") not in QUALIFIERS | {None}:
        raise KnowledgeError(f"{where}: unknown qualifier {raw['qualifier']!r}")
    if not isinstance(raw["verified"], bool):
        raise KnowledgeError(f"{where}: verified must be true or false")
    if not raw["verified"] and raw.get("referral") not in REFERRALS:
        raise KnowledgeError(f"{where}: an unverified fact needs a referral")
    if not isinstance(raw["source"], str) or not raw["source"].strip():
        raise KnowledgeError(f"{where}: source must be a non-empty string")


def _check_no_overlap(periods: tuple[Period, ...], where: str) -> None:
    ordered = sorted(periods, key=lambda p: p.valid_from or date.min)
    for earlier, later in pairwise(ordered):
        if earlier.valid_until is None or (later.valid_from or date.min) <= earlier.valid_until:
            raise KnowledgeError(f"{where}: validity periods overlap")


def _parse_derivation(raw: Any, where: str) -> Derivation:
    if not isinstance(raw, dict) or "base" not in raw or set(raw) not in ({"base", "share"}, {"base", "divisor"}):
        raise KnowledgeError(f"{where}: derived needs base and either share or divisor")
    divisor = raw.get("divisor")
    if divisor is not None and (isinstance(divisor, bool) or not isinstance(divisor, int) or divisor <= 0):
        raise KnowledgeError(f"{where}: divisor must be a positive whole number")
    return Derivation(base=str(raw["base"]), share=raw.get("share"), divisor=divisor)


def _parse_periods(raw: dict[str, Any], where: str) -> tuple[Period, ...]:
    if "derived" in raw:
        return ()  # computed by _derive once every fact is read
    if not isinstance(raw["values"], list) or not raw["values"]:
        raise KnowledgeError(f"{where}: values must be a non-empty list")
    periods = tuple(_parse_period(p, raw["unit"], where) for p in raw["values"])
    _check_no_overlap(periods, where)
    if raw["verified"] and any(p.value is None for p in periods):
        raise KnowledgeError(f"{where}: a verified fact needs a value")
    return periods


def _parse_fact(raw: Any) -> Fact:
    if not isinstance(raw, dict) or "id" not in raw:
        raise KnowledgeError(f"fact without id: {raw!r}")
    where = f"fact {raw['id']}"
    _check_fact_keys(raw, where)
    periods = _parse_periods(raw, where)
    derivation = _parse_derivation(raw["derived"], where) if "derived" in raw else None
    checked = _as_date(raw["checked"], where)
    if checked is None:
        raise KnowledgeError(f"{where}: checked date missing")
    return Fact(
        id=raw["id"],
        unit=raw["unit"],
        source=raw["source"],
        link=raw["link"],
        checked=checked,
        verified=raw["verified"],
        periods=periods,
        qualifier=raw.get("qualifier"),
        referral=raw.get("referral"),
        caveat=raw.get("caveat"),
        derivation=derivation,
    )


# ---------------------------------------------------------------- derived facts


def tidy_amount(value: Decimal) -> Decimal:
    """An exact amount with whole euros or cents as places (50700, 45934.20), more places only if exact."""
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return value.quantize(Decimal(1))
    if isinstance(exponent, int) and exponent >= -2:
        return value.quantize(Decimal("0.01"))
    return value.normalize()


def _exactly(base: Decimal, share: Decimal | None, divisor: int | None, where: str) -> Decimal:
    """``base`` × ``share`` % or ``base`` ÷ ``divisor``, refused when the result is not exact."""
    with localcontext() as context:
        context.prec = 50
        context.traps[Inexact] = True
        try:
            result = base * share / 100 if share is not None else base / Decimal(divisor or 1)
        except Inexact:
            raise KnowledgeError(f"{where}: the derived value is not exact; enter it as a value instead") from None
    return tidy_amount(result)


def _overlap(first: Period, second: Period) -> tuple[date | None, date | None] | None:
    starts = [d for d in (first.valid_from, second.valid_from) if d is not None]
    ends = [d for d in (first.valid_until, second.valid_until) if d is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    return None if start and end and start > end else (start, end)


def _derived_periods(fact: Fact, base: Fact, share: Fact | None) -> tuple[Period, ...]:
    where = f"fact {fact.id}"
    periods = []
    for base_period in base.periods:
        factors = share.periods if share else (Period(None, None, None),)
        for factor in factors:
            window = _overlap(base_period, factor)
            if window is None or not isinstance(base_period.value, Decimal):
                continue
            if share and not isinstance(factor.value, Decimal):
                raise KnowledgeError(f"{where}: share {share.id} needs a number")
            factor_value = factor.value if isinstance(factor.value, Decimal) else None
            divisor = fact.derivation.divisor if fact.derivation else None
            value = _exactly(base_period.value, factor_value, divisor, where)
            periods.append(Period(value, window[0], window[1], base_period.source))
    if not periods:
        raise KnowledgeError(f"{where}: no period can be derived from {base.id}")
    return tuple(periods)


def _derive(facts: dict[str, Fact]) -> dict[str, Fact]:
    """Compute the periods of every derived fact (bases first; a cycle or unknown base is an error)."""
    resolved = {fact_id: fact for fact_id, fact in facts.items() if fact.derivation is None}

    def resolve(fact_id: str, chain: tuple[str, ...]) -> Fact:
        if fact_id in resolved:
            return resolved[fact_id]
        if fact_id not in facts:
            raise KnowledgeError(f"fact {chain[-1]}: derived from unknown fact {fact_id!r}")
        if fact_id in chain:
            raise KnowledgeError(f"fact {fact_id}: derived from itself ({' -> '.join(chain)})")
        fact = facts[fact_id]
        derivation = fact.derivation
        assert derivation is not None
        base = resolve(derivation.base, (*chain, fact_id))
        share = resolve(derivation.share, (*chain, fact_id)) if derivation.share else None
        if share is not None and share.unit != "percent":
            raise KnowledgeError(f"fact {fact_id}: share {share.id} must be a percent fact")
        resolved[fact_id] = replace(fact, periods=_derived_periods(fact, base, share))
        return resolved[fact_id]

    return {fact_id: resolve(fact_id, ()) for fact_id in facts}


def parse_knowledge(document: Any) -> KnowledgeBase:
    """Validate and convert a loaded YAML document; raises KnowledgeError on any schema error."""
    if not isinstance(document, dict) or not {"version", "checked", "facts"} <= set(document):
        raise KnowledgeError("knowledge file needs version, checked and facts")
    facts: dict[str, Fact] = {}
    for raw in document["facts"]:
        fact = _parse_fact(raw)
        if fact.id in facts:
            raise KnowledgeError(f"duplicate fact id: {fact.id}")
        facts[fact.id] = fact
    facts = _derive(facts)
    checked = _as_date(document["checked"], "knowledge file")
    if checked is None:
        raise KnowledgeError("knowledge file: checked date missing")
    return KnowledgeBase(version=str(document["version"]), checked=checked, facts=facts)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class ReloadingFile:
    """Parses a data file once and again whenever its modification time changes."""

    def __init__(self, path: Path, parse: Any) -> None:
        self._path = path
        self._parse = parse
        self._lock = threading.Lock()
        self._mtime_ns: int | None = None
        self._parsed: Any = None

    def get(self) -> Any:
        mtime_ns = self._path.stat().st_mtime_ns
        with self._lock:
            if mtime_ns != self._mtime_ns:
                self._parsed = self._parse(load_yaml(self._path))
                self._mtime_ns = mtime_ns
            return self._parsed


_facts_file = ReloadingFile(FACTS_PATH, parse_knowledge)


def knowledge() -> KnowledgeBase:
    """The current knowledge base; re-read when facts.yml changes on disk."""
    result: KnowledgeBase = _facts_file.get()
    return result


def value_on(fact_id: str, day: date) -> Lookup:
    """The value of ``fact_id`` valid on ``day``, or a MissingValue naming the last known one."""
    return knowledge().value_on(fact_id, day)
