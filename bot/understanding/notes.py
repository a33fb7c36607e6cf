"""What a message's own context and figures make specific, in the user's language: its salary compared
with the thresholds that apply, the age rule for its worker, the chamber and recognition body for its
business and occupation, its claim confirmed or corrected. Every figure comes from the knowledge file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from bot.answers.formatting import format_date, format_money, format_value
from bot.knowledge import ValueOn, knowledge, value_on
from bot.texts import text
from bot.routing import RoutingCase, pre_check_org, recognition_body
from bot.thresholds import THRESHOLD_FACTS, threshold_on
from bot.understanding.reading import (
    Figure,
    Reading,
    claim_subjects,
    fee_cues,
    fold,
    is_premise,
    read_experience,
    word_list,
)

AGE_FACT = "age_rule_threshold"
# Topics whose answer is one figure a user may have heard wrong: topic -> fact.
CLAIM_FACTS = {
    "fee_procedure": "fee_accelerated_procedure",
    "costs_overview": "fee_accelerated_procedure",
    "fee_visa": "fee_visa_national",
    "fee_residence_permit": "fee_residence_permit_first",
    "deadline_ba": "deadline_ba_accelerated",
    "deadline_recognition": "deadline_recognition_accelerated",
    "duration_total": "duration_total_typical",
    "deadline_visa": "deadline_visa_appointment",
    "preapproval_validity": "preapproval_validity",
    "family": "family_entry_window",
}
ROUTING_TOPICS = frozenset(
    {
        "responsibility",
        "recognition_body",
        "fee_recognition",
        "deadline_recognition",
        "steps",
        "eligibility",
        "candidate_recognition",
        "welcome_center",
        "partial_recognition",
    }
)
# Topics on salary and titles, after which a regulated profession's licence is worth saying.
LICENCE_TOPICS = frozenset({"salary_threshold", "residence_title", "age_rule"})
REGULATED_GROUPS = frozenset({"doctors", "health"})
# General topics a question whether trainees can use the procedure is taken for.
PURPOSE_TOPICS = frozenset(
    {"eligibility", "duration_total", "steps", "responsibility", "fee_procedure", "costs_overview"}
)
AGE_TOPICS = frozenset({"age_rule", "salary_threshold", "eligibility", "residence_title"})
_BLUE_CARD = re.compile(r"blue[\s-]*card|blau\w*[\s-]*karte|bluecard", re.IGNORECASE)
_EXPERIENCE_ROUTE = re.compile(r"19\s*c|berufserfahren|experience route|without (a )?recogni", re.IGNORECASE)
_COLLECTIVE = re.compile(
    r"tarifgebunden|tarifbindung|tarifvertrag|nach tarif|tariflohn|\btv-|collective (labou?r |bargaining |wage )?agreement",
    re.IGNORECASE,
)
_NOT_COLLECTIVE = re.compile(
    r"(nicht|kein\w*|ohne) (\w+ ){0,2}tarif|not (\w+ ){0,2}(bound|covered)|\bno collective|without (a )?collective"
    r"|(isn|aren)['’]?t (\w+ ){0,2}(bound|covered)",
    re.IGNORECASE,
)
_DAYS_PER_WEEK = 7
_SENTENCE_END = re.compile(r"[?!;]|\.(?!\d)|\n")


@dataclass(frozen=True)
class Notes:
    """Paragraphs to say before the topic's general answer."""

    paragraphs: tuple[str, ...]


def _current(fact_id: str, day: date) -> Optional[ValueOn]:
    lookup = value_on(fact_id, day)
    return lookup if isinstance(lookup, ValueOn) and knowledge().fact(fact_id).verified else None


def _age_threshold(day: date) -> Optional[int]:
    lookup = _current(AGE_FACT, day)
    return int(lookup.value) if lookup and isinstance(lookup.value, Decimal) else None


def is_45_or_over(age: int, day: date) -> Optional[bool]:
    threshold = _age_threshold(day)
    return None if threshold is None else age >= threshold


VOCATIONAL_GROUPS = frozenset({"craft", "ihk", "health"})


def _is_vocational(reading: Reading) -> bool:
    context = reading.context
    return context.qualification == "vocational" or (
        context.qualification is None and context.occupation_group in VOCATIONAL_GROUPS
    )


def _threshold_kinds(reading: Reading, message: str, residence_title: Optional[str], day: date) -> list[str]:
    """The thresholds that apply: the Blue Card's when it is named or the worker is no vocational case,
    § 19c (2)'s when named, and the 45+ threshold for a worker that old (§§ 18a/18b)."""
    age = reading.context.age
    over = bool(is_45_or_over(age, day)) if age is not None else bool(reading.context.over_45)
    if residence_title == "blue_card" or _BLUE_CARD.search(message):
        kinds = ["blue_card", "blue_card_reduced"]
    elif residence_title == "19c2" or _EXPERIENCE_ROUTE.search(message):
        kinds = ["19c2"]
    elif residence_title in ("18a", "18b") or _is_vocational(reading):
        kinds = []
    else:
        kinds = ["blue_card", "blue_card_reduced"]
    return kinds + (["age_45_plus"] if over else [])


def pays_collective_rate(message: str) -> bool:
    """Whether the employer says it is bound by a collective agreement: then § 19c (2) asks no minimum salary."""
    return bool(_COLLECTIVE.search(message)) and not _NOT_COLLECTIVE.search(message)


def salary_notes(reading: Reading, message: str, residence_title: Optional[str], language: str, day: date) -> list[str]:
    salary = reading.context.salary
    if salary is None:
        return []
    annual = format_money(salary.annual, language)
    lines = [
        text(
            "understanding_salary_offer_monthly",
            language,
            monthly=format_money(salary.monthly, language),
            annual=annual,
        )
        if salary.monthly is not None
        else text("understanding_salary_offer", language, annual=annual)
    ]
    sources = []
    for kind in _threshold_kinds(reading, message, residence_title, day):
        fact = knowledge().fact(THRESHOLD_FACTS[kind][0])
        found = threshold_on(kind, day)
        if not fact.verified or found.annual is None:
            continue
        title = text(f"understanding_title_{kind}", language, age=str(_age_threshold(day) or ""))
        values = {"title": title, "threshold": format_money(found.annual, language)}
        if not found.known:  # an unknown figure is never a "no" (issue 14 V1): the last known one, and who knows
            until = format_date(found.valid_until, language) if found.valid_until else ""
            lines.append(
                text("understanding_salary_unknown", language, day=format_date(day, language), until=until, **values)
            )
            continue
        sources.append(fact.source)
        threshold = found.annual
        if kind == "19c2" and pays_collective_rate(message):
            lines.append(text("understanding_salary_collective", language, **values))
        elif salary.annual >= threshold:
            lines.append(text("understanding_salary_reached", language, **values))
        else:
            gap = format_money(threshold - salary.annual, language)
            lines.append(text("understanding_salary_not_reached", language, gap=gap, **values))
    if len(lines) == 1:
        return ["\n".join([*lines, text("understanding_salary_no_threshold", language)])]
    if not sources:
        return ["\n".join(lines)]
    source = "; ".join(dict.fromkeys(sources))
    lines.append(text("understanding_salary_valid", language, day=format_date(day, language), source=source))
    return ["\n".join(lines)]


_NO_DEGREE = re.compile(
    r"\bno (university |college )?degree|without (a |any )?(university |college )?degree|never (finished|completed|graduated)"
    r"|dropped out|(kein\w*|ohne) (\w+ )?(studium|hochschulabschluss|abschluss|uni\b)|nicht studiert|studium abgebrochen",
    re.IGNORECASE,
)
_IT_WORK = re.compile(
    r"\bIT\b|(?i:software|developer|entwickler|programmier|\w*administrator|sysadmin|devops|data (engineer|scientist)"
    r"|informatik|computer science)"
)
# The facts for the experience a route asks: (at least ... years, within the last ... years).
EXPERIENCE_RULES = {
    "it_no_degree": ("it_blue_card_experience", "it_blue_card_experience_window"),
    "19c2": ("experience_route_experience", "experience_route_experience_window"),
}
EXPERIENCE_TOPICS = frozenset({"salary_threshold", "residence_title", "eligibility", "age_rule"})


def _experience_rule(message: str, residence_title: Optional[str]) -> Optional[str]:
    if residence_title == "19c2" or _EXPERIENCE_ROUTE.search(message):
        return "19c2"
    if _IT_WORK.search(message) and _NO_DEGREE.search(message):
        return "it_no_degree"
    return None


def experience_notes(
    reading: Reading, message: str, topic: str, residence_title: Optional[str], language: str, day: date
) -> list[str]:
    """The worker's stated experience against what the route asks: 'has 20 months of experience' for an IT
    specialist without a degree is short of the 3 years within 7 of § 18g (2)."""
    stated = read_experience(message)
    rule = _experience_rule(message, residence_title)
    if topic not in EXPERIENCE_TOPICS or stated is None or rule is None:
        return []
    required, window = (_current(fact_id, day) for fact_id in EXPERIENCE_RULES[rule])
    if required is None or window is None:
        return []
    amount, unit = stated
    in_years = amount / 12 if unit == "months" else amount
    key = (
        "understanding_experience_met" if in_years >= Decimal(str(required.value)) else "understanding_experience_short"
    )
    return [
        text(
            key,
            language,
            stated=format_value(amount, unit, language),
            title=text(f"understanding_experience_title_{rule}", language),
            required=format_value(required.value, "years", language),
            window=format_value(window.value, "years", language, dative=True),
            source=knowledge().fact(EXPERIENCE_RULES[rule][0]).source,
        )
    ]


def age_notes(reading: Reading, message: str, topic: str, language: str, day: date) -> list[str]:
    age, threshold = reading.context.age, _age_threshold(day)
    salary = _current("salary_age_45_plus", day)
    monthly = _current("salary_age_45_plus_monthly", day)
    if age is None and threshold is not None and salary is not None and isinstance(salary.value, Decimal):
        return [] if topic in AGE_RULE_STATED else _age_rule_named(message, threshold, salary.value, language, day)
    if age is None or threshold is None or salary is None or monthly is None:
        return []
    values = {"age": str(age), "threshold": str(threshold)}
    if age < threshold:
        return [text("understanding_age_not_applies", language, **values)] if topic in AGE_TOPICS else []
    fact = knowledge().fact("salary_age_45_plus")
    if _BLUE_CARD.search(message):
        return [text("understanding_age_blue_card", language, source=fact.source, **values)]
    return [
        text(
            "understanding_age_applies",
            language,
            salary=format_value(salary.value, fact.unit, language),
            monthly=format_value(monthly.value, knowledge().fact("salary_age_45_plus_monthly").unit, language),
            source=fact.source,
            day=format_date(day, language),
            **values,
        )
    ]


_AGE_RULE = re.compile(
    r"\b45[\s-]*(er[\s-]*)?(regel|rule|grenze)|(alters|age)[\s-]*(regel|rule|grenze|limit)|(over|ueber|über|ab)[\s-]*45",
    re.I,
)


AGE_RULE_STATED = frozenset({"age_rule", "salary_threshold"})  # their answers state the rule already


def _age_rule_named(message: str, threshold: int, salary: Decimal, language: str, day: date) -> list[str]:
    """A question that names the age rule while it was taken for another topic: the rule itself besides."""
    if not _AGE_RULE.search(message):
        return []
    fact = knowledge().fact("salary_age_45_plus")
    amount = format_value(salary, fact.unit, language)
    values = {"threshold": str(threshold), "salary": amount, "source": fact.source, "day": format_date(day, language)}
    return [text("understanding_age_rule", language, **values)]


def routing_notes(reading: Reading, topic: str, language: str) -> list[str]:
    context = reading.context
    if topic in LICENCE_TOPICS and context.occupation_group in REGULATED_GROUPS:
        return _licence_note(reading, language)
    if topic not in ROUTING_TOPICS:
        return []
    notes = []
    if context.business_type:
        notes.append(
            text("understanding_pre_check", language, organisation=pre_check_org(context.business_type).name(language))
        )
    if context.occupation_group and topic != "recognition_body":
        body, _ = recognition_body(_routing_case(reading))
        if body is not None:
            notes.append(
                text(
                    "understanding_recognition", language, occupation=context.occupation or "", body=body.name(language)
                )
            )
    return notes


def _routing_case(reading: Reading) -> RoutingCase:
    context = reading.context
    return RoutingCase(
        business_type=context.business_type or "neither",
        occupation=context.occupation,
        occupation_group=context.occupation_group,
        qualification_type=context.qualification,
    )


def _licence_note(reading: Reading, language: str) -> list[str]:
    """A regulated profession needs its licence or recognition whatever the salary or title (doctors: NiZzA)."""
    context = reading.context
    body, _ = recognition_body(_routing_case(reading))
    if body is None:
        return []
    return [text("understanding_licence", language, occupation=context.occupation or "", body=body.name(language))]


def _in_unit(figure: Figure, unit: str) -> Optional[Figure]:
    if figure.unit == unit:
        return figure
    if figure.unit == "days" and unit == "weeks" and figure.value % _DAYS_PER_WEEK == 0:
        low = figure.low / _DAYS_PER_WEEK if figure.low is not None else None
        return Figure(figure.value / _DAYS_PER_WEEK, unit, low)
    return None


def _claimed_text(figure: Figure, language: str) -> str:
    if figure.unit == "EUR":
        return format_money(figure.value, language)
    if figure.unit == "days":
        return text("understanding_days", language, count=str(figure.value))
    counted = format_value(figure.value, figure.unit, language)
    return f"{figure.low}–{counted}" if figure.low is not None else counted


def _qualified(value: str, qualifier: Optional[str], language: str) -> str:
    """ "about 4 months", "usually 3 months": the fact's own qualifier stays with its figure."""
    return text(f"understanding_qualifier_{qualifier}", language, value=value) if qualifier else value


def _is_money(fact_id: str) -> bool:
    return knowledge().fact(fact_id).unit.startswith("EUR")


def _nearest_subject(text: str, facts: list[str], from_end: bool) -> Optional[str]:
    """The fact whose words stand nearest to the end (or the start) of a piece of the figure's sentence."""
    folded, subjects = fold(text), claim_subjects()
    found: list[tuple[int, str]] = []
    for fact_id in facts:
        for word in subjects[fact_id]:
            for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", folded):
                found.append((match.end() if from_end else -match.start(), fact_id))
    return max(found)[1] if found else None


def claimed_fact(message: str, figure: Figure, topic: str) -> Optional[str]:
    """What a claimed figure is about: the fact named next to it in its sentence, else the topic's fact."""
    money = figure.unit == "EUR"
    facts = [fact_id for fact_id in claim_subjects() if _is_money(fact_id) == money]
    if figure.at >= 0:
        starts = [m.end() for m in _SENTENCE_END.finditer(message, 0, figure.at)]
        start = starts[-1] if starts else 0
        end_match = _SENTENCE_END.search(message, figure.at)
        end = end_match.start() if end_match else len(message)
        named = _nearest_subject(message[start : figure.at], facts, True) or _nearest_subject(
            message[figure.at : end], facts, False
        )
        if named:
            return named
    fact_id = CLAIM_FACTS.get(topic)
    return fact_id if fact_id and _is_money(fact_id) == money else None


def claim_notes(reading: Reading, message: str, topic: str, language: str, day: date) -> list[str]:
    """A claimed figure confirmed or corrected against the fact it is about (the topic's fact when its
    sentence names none); a figure a yes/no question names confirmed or compared."""
    if not (reading.claim or reading.asks_about_figure):
        return []
    for claimed in reading.figures:
        fact_id = claimed_fact(message, claimed, topic)
        lookup = _current(fact_id, day) if fact_id else None
        if lookup is not None and isinstance(lookup.value, Decimal):
            premise = not reading.claim and is_premise(message, claimed)
            return _claim_note(claimed, str(fact_id), lookup, reading.claim, language, premise)
    return []


def _claim_note(
    claimed: Figure, fact_id: str, lookup: ValueOn, is_claim: bool, language: str, premise: bool = False
) -> list[str]:
    """A right figure confirmed, unless the question only took it as given; a wrong one corrected."""
    fact = knowledge().fact(fact_id)
    money = fact.unit.startswith("EUR")
    value = _qualified(format_value(lookup.value, fact.unit, language), fact.qualifier, language)
    in_unit = _in_unit(claimed, "EUR" if money else fact.unit)
    if in_unit is not None and isinstance(lookup.value, Decimal) and in_unit.covers(lookup.value):
        return [] if premise else [text("understanding_claim_right", language, value=value, source=fact.source)]
    key = "understanding_claim_wrong" if is_claim else "understanding_claim_compare"
    return [text(key, language, value=value, claimed=_claimed_text(claimed, language), source=fact.source)]


FEE_FACT = "fee_accelerated_procedure"
FEE_TOPICS = frozenset({"fee_procedure", "costs_overview"})  # their answers say both already


def fee_notes(message: str, topic: str, language: str, day: date) -> list[str]:
    """A question whether the fee is refunded or who owes it, asked while the message was taken for
    another topic: the rule of the knowledge file's fee, answered besides it."""
    lookup = _current(FEE_FACT, day)
    if topic in FEE_TOPICS or lookup is None:
        return []
    folded, fact = fold(message), knowledge().fact(FEE_FACT)
    fee = format_value(lookup.value, fact.unit, language)
    return [
        text(f"understanding_fee_{kind}", language, fee=fee, source=fact.source)
        for kind in ("refund", "debtor")
        if any(re.search(cue, folded) for cue in fee_cues(kind))
    ]


def _mentions(folded: str, kind: str) -> bool:
    return any(re.search(rf"(?<![\w-]){cue}(?![\w-])", folded) for cue in word_list(kind))


def training_notes(reading: Reading, message: str, language: str, day: date) -> list[str]:
    """A question about a trainee's pay or German answered with the § 16a facts, whatever topic it was taken for."""
    folded = fold(message)
    if not _mentions(folded, "trainee"):
        return []
    notes = []
    in_company, school = _current("training_minimum_in_company", day), _current("training_minimum_school_based", day)
    if (
        _mentions(folded, "trainee_pay")
        and in_company
        and school
        and isinstance(in_company.value, Decimal)
        and isinstance(school.value, Decimal)
    ):
        fact = knowledge().fact("training_minimum_in_company")
        notes.append(
            text(
                "understanding_training_pay",
                language,
                in_company=format_money(in_company.value, language),
                school_based=format_money(school.value, language),
                source=fact.source,
            )
        )
        notes += _trainee_pay_compared(reading, in_company.value, language)
    level = _current("training_language_level", day)
    if _mentions(folded, "trainee_language") and level:
        source = knowledge().fact("training_language_level").source
        notes.append(text("understanding_training_language", language, level=str(level.value), source=source))
    return notes


def training_purpose_notes(message: str, topic: str, language: str) -> list[str]:
    """'Can our apprentices come through the fast-track?' taken for a general topic: training is one of its purposes."""
    folded = fold(message)
    if topic not in PURPOSE_TOPICS or not (
        _mentions(folded, "trainee_person") and _mentions(folded, "procedure_named")
    ):
        return []
    return [text("understanding_training_purpose", language)]


def _trainee_pay_compared(reading: Reading, minimum: Decimal, language: str) -> list[str]:
    """The pay the message names ("our apprentice gets 750 euros") against the in-company minimum."""
    offered = reading.context.salary.monthly if reading.context.salary else None
    amounts = [figure.value for figure in reading.figures if figure.unit == "EUR"]
    amount = offered if offered is not None else (amounts[0] if amounts else None)
    if amount is None:
        return []
    key = "understanding_training_pay_below" if amount < minimum else "understanding_training_pay_reached"
    return [text(key, language, amount=format_money(amount, language), in_company=format_money(minimum, language))]


def notes_for(
    reading: Reading, message: str, topic: str, language: str, day: date, residence_title: Optional[str] = None
) -> Notes:
    paragraphs = [
        *claim_notes(reading, message, topic, language, day),
        *fee_notes(message, topic, language, day),
        *training_notes(reading, message, language, day),
        *training_purpose_notes(message, topic, language),
        *salary_notes(reading, message, residence_title, language, day),
        *age_notes(reading, message, topic, language, day),
        *experience_notes(reading, message, topic, residence_title, language, day),
        *routing_notes(reading, topic, language),
    ]
    return Notes(tuple(paragraphs))
