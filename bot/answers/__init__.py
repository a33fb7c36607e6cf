"""Render answers in German or English from ``bot/knowledge/answers.yml``.

Templates name facts as ``{fact_id}`` (``{fact_id:dat}`` for the German dative plural),
so every figure comes from facts.yml. Each answer that cites a fact ends with its
sources and the "Stand"/"checked" date. Unverified facts are never stated: the text
says so and refers to verified human contacts instead. A fact without a value for
the requested day is shown as "no value for that day; last known value X valid until Y".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.answers.formatting import check_language, format_date, format_money, format_value
from bot.knowledge import (
    KNOWLEDGE_DIR,
    KnowledgeBase,
    KnowledgeError,
    MissingValue,
    ReloadingFile,
    ValueOn,
    knowledge,
)
from bot.operator import assistant_of
from bot.routing import occupation_group_for, occupation_groups

ANSWERS_PATH = KNOWLEDGE_DIR / "answers.yml"
STANDARD_CONTACTS = ("zentralstelle", "ihk_hannover", "hwk_hannover", "welcome_center")
_PLACEHOLDER = re.compile(r"\{(param\.)?([a-z0-9_]+)(?::(dat))?\}")


class Percent(Decimal):
    """A template parameter shown as a percentage (``45,3 %`` / ``45.3%``), not as money."""


ParamValue = str | Decimal | date

TOPICS = (
    "fee_procedure",
    "costs_overview",
    "fee_visa",
    "fee_residence_permit",
    "fee_recognition",
    "fee_translation",
    "duration_total",
    "deadline_recognition",
    "deadline_ba",
    "deadline_visa",
    "preapproval_validity",
    "family",
    "responsibility",
    "steps",
    "documents",
    "recognition_body",
    "after_entry",
    "residence_title",
    "salary_threshold",
    "age_rule",
    "eligibility",
    "welcome_center",
    "data_protection",
    "capabilities",
    "human_contact",
    "candidate_visa_appointment",
    "candidate_documents",
    "candidate_recognition",
    "candidate_language",
    "candidate_costs",
    "candidate_family",
    "candidate_arrival",
    "refusal_remedy",
    "partial_recognition",
    "blue_card_existing_holders",
    "framework_agreement",
    "sub_power_of_attorney",
    "worker_in_germany",
    "language_requirements",
    "regulated_profession",
    "zab_evaluation",
)


class UnknownTopicError(KeyError):
    """``render`` was asked for a topic that has no template."""

    def __str__(self) -> str:
        return f"unknown answer topic {self.args[0]!r}; known topics: {', '.join(TOPICS)}"


@dataclass(frozen=True)
class Answer:
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)
    facts: tuple[str, ...] = ()
    referral: bool = False


@dataclass(frozen=True)
class Variant:
    texts: Mapping[str, str]
    when: Mapping[str, str]
    valid_from: date | None
    valid_until: date | None
    buttons: tuple[tuple[Mapping[str, str], str], ...]

    def applies(self, day: date, params: Mapping[str, str]) -> bool:
        in_window = (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )
        return in_window and all(params.get(key) == value for key, value in self.when.items())


@dataclass(frozen=True)
class Topic:
    id: str
    legal_notice: bool
    variants: tuple[Variant, ...]
    cites: tuple[str, ...] = ()  # facts whose source backs rules stated without a figure
    refers: tuple[str, ...] = ()  # contacts for what the topic names as not covered by the knowledge file


@dataclass(frozen=True)
class AnswerTemplates:
    phrases: Mapping[str, Mapping[str, str]]
    contacts: Mapping[str, Mapping[str, str]]
    caveats: Mapping[str, Mapping[str, str]]
    topics: Mapping[str, Topic]


# ---------------------------------------------------------------- template file


def _bilingual(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) != {"de", "en"}:
        raise KnowledgeError(f"{where}: needs exactly 'de' and 'en' texts")
    return {lang: str(text).strip() for lang, text in raw.items()}


def _parse_variant(raw: dict[str, Any], where: str) -> Variant:
    buttons = tuple((_bilingual(b["title"], f"{where} button"), str(b["payload"])) for b in raw.get("buttons", []))
    return Variant(
        texts=_bilingual({"de": raw["de"], "en": raw["en"]}, where),
        when={str(k): str(v) for k, v in raw.get("when", {}).items()},
        valid_from=raw.get("valid_from"),
        valid_until=raw.get("valid_until"),
        buttons=buttons,
    )


def _parse_topic(topic_id: str, raw: dict[str, Any]) -> Topic:
    variants = tuple(_parse_variant(v, f"topic {topic_id}") for v in raw["variants"])
    return Topic(
        id=topic_id,
        legal_notice=bool(raw.get("legal_notice", True)),
        variants=variants,
        cites=tuple(raw.get("cites", ())),
        refers=tuple(raw.get("refers", ())),
    )


def parse_templates(document: Any) -> AnswerTemplates:
    if not isinstance(document, dict):
        raise KnowledgeError("answers file must be a mapping")
    return AnswerTemplates(
        phrases={k: _bilingual(v, f"phrase {k}") for k, v in document["phrases"].items()},
        contacts={k: _bilingual(v, f"contact {k}") for k, v in document["contacts"].items()},
        caveats={k: _bilingual(v, f"caveat {k}") for k, v in document["caveats"].items()},
        topics={k: _parse_topic(k, v) for k, v in document["topics"].items()},
    )


_answers_file = ReloadingFile(ANSWERS_PATH, parse_templates)


def templates() -> AnswerTemplates:
    result: AnswerTemplates = _answers_file.get()
    return result


# ---------------------------------------------------------------- rendering


@dataclass
class _Rendering:
    """Collects what a text cites while its placeholders are filled."""

    kb: KnowledgeBase
    phrases: Mapping[str, Mapping[str, str]]
    language: str
    day: date
    params: Mapping[str, ParamValue] = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)
    referrals: list[str] = field(default_factory=list)
    period_sources: list[str] = field(default_factory=list)  # e.g. the year's contribution ceiling publication

    def phrase(self, key: str, **values: str) -> str:
        return self.phrases[key][self.language].format(**values)

    def fill(self, template: str, cite: bool = True) -> str:
        return _PLACEHOLDER.sub(lambda m: self._substitute(m, cite), template)

    def _substitute(self, match: re.Match[str], cite: bool) -> str:
        is_param, name, case = match.groups()
        if is_param:
            return self._param(name)
        return self._placeholder(name, case == "dat", cite)

    def _param(self, name: str) -> str:
        if name not in self.params:
            raise KnowledgeError(f"template needs parameter {name!r}")
        value = self.params[name]
        if isinstance(value, Percent):
            return format_value(Decimal(value), "percent", self.language)
        if isinstance(value, Decimal):
            return format_money(value, self.language)
        if isinstance(value, date):
            return format_date(value, self.language)
        return value

    def _placeholder(self, name: str, dative: bool, cite: bool) -> str:
        if name == "day":
            return format_date(self.day, self.language)
        if name == "operator":
            return assistant_of(self.language)
        lookup = self.kb.value_on(name, self.day)
        fact = lookup.fact
        if cite and fact.id not in self.cited:
            self.cited.append(fact.id)
        if not fact.verified:
            self._refer(fact.referral or "zentralstelle")
            return self.phrase("unverified")
        if isinstance(lookup, MissingValue):
            self._refer("zentralstelle")
            return self._missing(lookup)
        if cite and lookup.period.source and lookup.period.source not in self.period_sources:
            self.period_sources.append(lookup.period.source)
        return format_value(lookup.value, fact.unit, self.language, dative)

    def _missing(self, lookup: MissingValue) -> str:
        day = format_date(lookup.day, self.language)
        last = lookup.last_known
        if last is None or last.value is None or last.valid_until is None:
            return self.phrase("missing_value_none", day=day)
        value = format_value(last.value, lookup.fact.unit, self.language)
        until = format_date(last.valid_until, self.language)
        return self.phrase("missing_value", day=day, last=value, until=until)

    def _refer(self, contact: str) -> None:
        if contact not in self.referrals:
            self.referrals.append(contact)


def _choose_variant(topic: Topic, day: date, params: Mapping[str, str]) -> Variant:
    applicable = [v for v in topic.variants if v.applies(day, params)]
    if not applicable:
        raise KnowledgeError(f"topic {topic.id}: no template applies on {day} with {dict(params)}")
    return max(applicable, key=lambda v: len(v.when))


def _contact_on(contact: str, rendering: _Rendering) -> str:
    """Before the Zentralstelle existed, referrals for § 81a go to the local immigration offices."""
    zentralstelle_open = isinstance(rendering.kb.value_on("zentralstelle_hotline", rendering.day), ValueOn)
    return "local_abh_historical" if contact == "zentralstelle" and not zentralstelle_open else contact


def _referral_block(rendering: _Rendering, contacts: Mapping[str, Mapping[str, str]]) -> str:
    ordered = rendering.referrals + [c for c in STANDARD_CONTACTS if c not in rendering.referrals]
    keys = dict.fromkeys(_contact_on(c, rendering) for c in ordered)
    lines = [rendering.fill(contacts[key][rendering.language], cite=False) for key in keys]
    return rendering.phrase("referral_intro") + "\n" + "\n".join(f"• {line}" for line in lines)


def _footer(rendering: _Rendering, legal_notice: bool) -> list[str]:
    parts: list[str] = []
    facts = [fact for fact in map(rendering.kb.fact, rendering.cited) if fact.verified]
    if facts:
        sources = "; ".join(dict.fromkeys([*(fact.source for fact in facts), *rendering.period_sources]))
        checked = format_date(max(fact.checked for fact in facts), rendering.language)
        parts.append(rendering.phrase("sources", sources=sources, checked=checked))
    if legal_notice:
        parts.append(rendering.phrase("legal_notice"))
    return parts


def _with_derived_params(params: Mapping[str, str]) -> Mapping[str, str]:
    """Add ``occupation_group`` when only an ``occupation`` was given: a group id ("health",
    as the buttons send it) or an occupation name ("Pflegefachfrau")."""
    if "occupation" not in params or "occupation_group" in params:
        return params
    occupation = params["occupation"]
    if occupation in occupation_groups():
        return {**params, "occupation_group": occupation}
    group = occupation_group_for(occupation)
    return {**params, "occupation_group": group.id} if group else params


def render(topic: str, language: str, day: date, params: Mapping[str, str] | None = None) -> Answer:
    """Render ``topic`` (an intent name without ``ask_``) in ``language`` as valid on ``day``."""
    check_language(language)
    tpl = templates()
    if topic not in tpl.topics:
        raise UnknownTopicError(topic)
    chosen = _choose_variant(tpl.topics[topic], day, _with_derived_params(params or {}))
    rendering = _Rendering(kb=knowledge(), phrases=tpl.phrases, language=language, day=day)
    rendering.cited.extend(tpl.topics[topic].cites)
    rendering.referrals.extend(tpl.topics[topic].refers)
    paragraphs = [rendering.fill(chosen.texts[language])]
    cited_with_caveat = [f for f in rendering.cited if f in tpl.caveats]
    paragraphs += [rendering.fill(tpl.caveats[f][language], cite=False) for f in cited_with_caveat]
    if rendering.referrals:
        paragraphs.append(_referral_block(rendering, tpl.contacts))
    paragraphs += _footer(rendering, tpl.topics[topic].legal_notice)
    buttons = [(title[language], payload) for title, payload in chosen.buttons]
    return Answer(
        text="\n\n".join(paragraphs),
        buttons=buttons,
        facts=tuple(rendering.cited),
        referral=bool(rendering.referrals),
    )


def render_text(
    template: Mapping[str, str], language: str, day: date, params: Mapping[str, ParamValue] | None = None
) -> Answer:
    """Fill a bilingual template from another data file (e.g. path-finder messages).

    ``{param.name}`` placeholders take ``params``; Decimal values are formatted as money, ``Percent``
    values as a percentage and dates in the language's form.
    """
    tpl = templates()
    rendering = _Rendering(
        kb=knowledge(), phrases=tpl.phrases, language=check_language(language), day=day, params=params or {}
    )
    text = rendering.fill(template[language])
    return Answer(text=text, facts=tuple(rendering.cited), referral=bool(rendering.referrals))
