"""Cost and timeline estimates for a case. Every figure is a fact from facts.yml.

Costs are explicit ranges (a fixed fee is a range with low == high). Unverified figures are
never counted: they are listed in ``open_items`` for a referral. Whatever the sum leaves out
(recognition when no body is known, unverified or unrequested items) is named in ``left_out``
with the ranges the knowledge file has, so a sum is never read as the whole cost. The timeline lists the
statutory clocks with their sources and the realistic total; it adds nothing up itself,
because a computed sum would be a figure that is not in the facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.answers.formatting import format_money, format_value
from bot.knowledge import KNOWLEDGE_DIR, Range, ReloadingFile, ValueOn, value_on

RECOGNITION_FEE_FACTS = {
    "ihk_hannover": "fee_recognition_ihk_hannover",
    "hwk_hannover": "fee_recognition_hwk_range",
    "ls_lueneburg": "fee_recognition_ls_lueneburg",
    "nizza": "fee_recognition_nizza",
    "zab": "fee_zab_evaluation",
    "zab_dab": "fee_zab_dab",
    "ingenieurkammer_niedersachsen": "fee_engineer_title",
    "teachers": "fee_teacher_recognition",
}


@dataclass(frozen=True)
class MoneyRange:
    low: Decimal
    high: Decimal

    def __add__(self, other: MoneyRange) -> MoneyRange:
        return MoneyRange(self.low + other.low, self.high + other.high)

    def times(self, count: int) -> MoneyRange:
        return MoneyRange(self.low * count, self.high * count)


@dataclass(frozen=True)
class CostCase:
    adult_family_members: int = 0  # spouse / registered partner
    minor_children: int = 0
    recognition_body: str | None = None  # a key of RECOGNITION_FEE_FACTS, None = no recognition fee
    include_residence_permits: bool = True
    include_translations: bool = True


@dataclass(frozen=True)
class CostLine:
    fact_id: str
    count: int
    unit_amount: MoneyRange
    amount: MoneyRange
    source: str


@dataclass(frozen=True)
class LeftOut:
    """A cost the sum does not contain: its verified figures, and the facts without one."""

    item: str  # a label key of estimates.yml
    figures: tuple[tuple[str, MoneyRange], ...]
    unconfirmed: tuple[str, ...]


@dataclass(frozen=True)
class CostEstimate:
    lines: tuple[CostLine, ...]
    total: MoneyRange
    open_items: tuple[str, ...]  # fact ids without a verified figure -> referral
    left_out: tuple[LeftOut, ...] = ()

    @property
    def only_fixed_fees(self) -> bool:
        return all(line.amount.low == line.amount.high for line in self.lines)


@dataclass(frozen=True)
class TimelineStep:
    fact_id: str
    upper_bound: Decimal
    unit: str
    qualifier: str | None
    source: str


@dataclass(frozen=True)
class Timeline:
    steps: tuple[TimelineStep, ...]
    realistic_total: TimelineStep
    family_window: TimelineStep | None
    open_items: tuple[str, ...]


def _money(fact_id: str, day: date) -> tuple[MoneyRange | None, str]:
    lookup = value_on(fact_id, day)
    if not lookup.fact.verified or not isinstance(lookup, ValueOn):
        return None, lookup.fact.source
    value = lookup.value
    if isinstance(value, Range):
        return MoneyRange(value.minimum, value.maximum), lookup.fact.source
    if isinstance(value, Decimal):
        return MoneyRange(value, value), lookup.fact.source
    raise TypeError(f"{fact_id} is not a money fact")


def _cost_items(case: CostCase) -> list[tuple[str, int]]:
    adults = 1 + case.adult_family_members
    items = [("fee_accelerated_procedure", 1), ("fee_visa_national", adults)]
    if case.minor_children:
        items.append(("fee_visa_national_minor", case.minor_children))
    if case.include_residence_permits:
        items.append(("fee_residence_permit_first", adults))
        if case.minor_children:
            items.append(("fee_residence_permit_minor", case.minor_children))
    if case.recognition_body:
        items.append((RECOGNITION_FEE_FACTS[case.recognition_body], 1))
    if case.include_translations:
        items.append(("fee_translation_per_document", 1))
    return items


def _left_out(item: str, fact_ids: Iterable[str], day: date) -> LeftOut:
    figures: list[tuple[str, MoneyRange]] = []
    unconfirmed: list[str] = []
    for fact_id in dict.fromkeys(fact_ids):
        amount, _ = _money(fact_id, day)
        if amount is None:
            unconfirmed.append(fact_id)
        else:
            figures.append((fact_id, amount))
    return LeftOut(item, tuple(figures), tuple(unconfirmed))


def _not_requested(case: CostCase, day: date) -> list[LeftOut]:
    left_out = []
    if not case.recognition_body:
        left_out.append(_left_out("recognition", RECOGNITION_FEE_FACTS.values(), day))
    if not case.include_residence_permits:
        left_out.append(_left_out("fee_residence_permit_first", ["fee_residence_permit_first"], day))
    if not case.include_translations:
        left_out.append(_left_out("fee_translation_per_document", ["fee_translation_per_document"], day))
    return left_out


def estimate_costs(case: CostCase, day: date) -> CostEstimate:
    """Costs of the case on ``day`` as ranges; unverified items go to ``open_items``, and
    everything the sum leaves out to ``left_out``."""
    lines: list[CostLine] = []
    open_items: list[str] = []
    for fact_id, count in _cost_items(case):
        unit_amount, source = _money(fact_id, day)
        if unit_amount is None:
            open_items.append(fact_id)
            continue
        lines.append(CostLine(fact_id, count, unit_amount, unit_amount.times(count), source))
    total = sum((line.amount for line in lines), MoneyRange(Decimal(0), Decimal(0)))
    left_out = [_left_out(fact_id, [fact_id], day) for fact_id in open_items] + _not_requested(case, day)
    return CostEstimate(tuple(lines), total, tuple(open_items), tuple(left_out))


def _step(fact_id: str, day: date) -> TimelineStep | None:
    lookup = value_on(fact_id, day)
    if not lookup.fact.verified or not isinstance(lookup, ValueOn) or not isinstance(lookup.value, Decimal):
        return None
    fact = lookup.fact
    return TimelineStep(fact_id, lookup.value, fact.unit, fact.qualifier, fact.source)


def estimate_timeline(
    day: date, recognition_needed: bool = True, degree_evaluation: bool = False, family: bool = False
) -> Timeline:
    """The statutory clocks of § 81a (upper bounds with sources) and the realistic total."""
    fact_ids: list[str] = []
    if recognition_needed:
        evaluation = "deadline_zab_evaluation_accelerated" if degree_evaluation else "deadline_recognition_accelerated"
        fact_ids.append(evaluation)
    fact_ids += [
        "deadline_ba_accelerated",
        "duration_zentralstelle_processing",
        "deadline_visa_appointment",
        "deadline_visa_decision",
    ]
    steps = [(fact_id, _step(fact_id, day)) for fact_id in fact_ids]
    total = _step("duration_total_typical", day)
    if total is None:
        raise LookupError("duration_total_typical has no verified value")
    return Timeline(
        steps=tuple(step for _, step in steps if step is not None),
        realistic_total=total,
        family_window=_step("family_entry_window", day) if family else None,
        open_items=tuple(fact_id for fact_id, step in steps if step is None),
    )


# ---------------------------------------------------------------- text

_labels_file = ReloadingFile(KNOWLEDGE_DIR / "estimates.yml", lambda document: document["labels"])
_phrases_file = ReloadingFile(KNOWLEDGE_DIR / "estimates.yml", lambda document: document["phrases"])


def _label(fact_id: str, language: str) -> str:
    labels: dict[str, dict[str, str]] = _labels_file.get()
    return labels[fact_id][language]


def _phrase(key: str, language: str, **values: str) -> str:
    phrases: dict[str, dict[str, str]] = _phrases_file.get()
    return phrases[key][language].format(**values)


def _format_range(amount: MoneyRange, language: str) -> str:
    if amount.low == amount.high:
        return format_money(amount.low, language)
    return format_money(Range(amount.low, amount.high), language)


def _cost_line_text(line: CostLine, language: str) -> str:
    label = _label(line.fact_id, language)
    total = _format_range(line.amount, language)
    if line.count == 1:
        return f"{label}: {total}"
    return f"{label}: {line.count} × {_format_range(line.unit_amount, language)} = {total}"


def _left_out_text(left_out: LeftOut, language: str) -> str:
    figures = [f"{_label(fact_id, language)} {_format_range(amount, language)}" for fact_id, amount in left_out.figures]
    if left_out.unconfirmed:
        labels = ", ".join(_label(fact_id, language) for fact_id in left_out.unconfirmed)
        figures.append(_phrase("unconfirmed_for" if figures else "unconfirmed", language, labels=labels))
    return _phrase("not_included", language, item=_label(left_out.item, language), detail="; ".join(figures))


def describe_costs(estimate: CostEstimate, language: str) -> list[str]:
    """One line per cost item, the sum called what it is, then what the sum leaves out, e.g.
    'Nationales Visum, Erwachsene: 2 × 75 € = 150 €' … 'Feste Gebühren zusammen: 586 €'
    'Nicht enthalten: Übersetzungen – keine verlässlich bestätigte Angabe'."""
    lines = [_cost_line_text(line, language) for line in estimate.lines]
    sum_key = "sum_fixed_fees" if estimate.only_fixed_fees else "sum_with_figures"
    total = _phrase(sum_key, language, amount=_format_range(estimate.total, language))
    return [*lines, total, *(_left_out_text(item, language) for item in estimate.left_out)]


def _timeline_line(step: TimelineStep, language: str) -> str:
    duration = format_value(step.upper_bound, step.unit, language)
    if step.qualifier == "about":
        return f"{_label(step.fact_id, language)}: {duration}"
    up_to = "bis" if language == "de" else "up to"
    return f"{_label(step.fact_id, language)}: {up_to} {duration}"


def describe_timeline(timeline: Timeline, language: str) -> list[str]:
    """One line per statutory clock, then the realistic total (and the family window)."""
    steps = [*timeline.steps, timeline.realistic_total]
    if timeline.family_window:
        steps.append(timeline.family_window)
    return [_timeline_line(step, language) for step in steps]


def describe_sources(items: Iterable[CostLine | TimelineStep]) -> list[str]:
    """Distinct sources of cost lines or timeline steps, in order."""
    return list(dict.fromkeys(item.source for item in items))
