"""Who handles a case: pre-check, recognition, the § 81a authority and the office after entry.

Rules (facts.md sections 5 and 6):
- pre-check: craft -> Handwerkskammer Hannover; industry/trade -> IHK Hannover; otherwise Welcome Center.
- recognition body: by occupation group (IHK Hannover, not IHK FOSA; HWK Hannover; LS Lüneburg;
  NiZzA; ZAB; Ingenieurkammer); teachers and educators -> referral, the body is not verified.
- forward_to: from 2026-01-01 the Zentralstelle; before, the ABH at the place of work.
- after-entry office: the worker's residence (Hannover city -> city ABH, the other 20 -> Region ABH).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, ReloadingFile

ZENTRALSTELLE_OPTIONAL_FROM = date(2025, 7, 1)
ZENTRALSTELLE_SOLE_COMPETENCE = date(2026, 1, 1)
MUNICIPALITY_CUTOFF = 85.0
OCCUPATION_CUTOFF = 88.0
BUSINESS_TYPES = ("craft", "industry_trade", "neither")


@dataclass(frozen=True)
class RoutingTarget:
    id: str
    name_de: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_de if language == "de" else self.name_en

    def as_ticket(self, language: str = "de") -> dict[str, str]:
        return {"id": self.id, "name": self.name(language)}


@dataclass(frozen=True)
class Municipality:
    id: str
    name: str
    aliases: tuple[str, ...]
    after_entry_office: str


@dataclass(frozen=True)
class MunicipalityMatch:
    """``municipality`` is None when the text names no place of the Region Hannover."""

    query: str
    municipality: Municipality | None
    score: float

    @property
    def inside_region(self) -> bool:
        return self.municipality is not None


@dataclass(frozen=True)
class OccupationGroup:
    id: str
    body: str | None
    regulated: bool
    note: str
    occupations: tuple[str, ...]


@dataclass(frozen=True)
class RoutingCase:
    business_type: str = "neither"
    occupation: str | None = None
    occupation_group: str | None = None
    qualification_type: str | None = None  # vocational | university | none | it_experience
    workplace_municipality: str | None = None
    residence_municipality: str | None = None


@dataclass(frozen=True)
class Routing:
    pre_check_org: RoutingTarget
    recognition_body: RoutingTarget | None
    forward_to: RoutingTarget | None
    after_entry_office: RoutingTarget | None
    notes: dict[str, str] = field(default_factory=dict)

    def as_ticket(self, language: str = "de") -> dict[str, dict[str, str] | None]:
        """The ``routing`` object of the ticket body; a missing target is ``None``."""
        targets = {
            "pre_check_org": self.pre_check_org,
            "recognition_body": self.recognition_body,
            "forward_to": self.forward_to,
            "after_entry_office": self.after_entry_office,
        }
        return {key: target.as_ticket(language) if target else None for key, target in targets.items()}


# ---------------------------------------------------------------- data files


def _parse_organisations(document: Any) -> dict[str, RoutingTarget]:
    return {key: RoutingTarget(key, raw["de"], raw["en"]) for key, raw in document["organisations"].items()}


def _parse_municipalities(document: Any) -> tuple[Municipality, ...]:
    return tuple(
        Municipality(raw["id"], raw["name"], tuple(raw["aliases"]), raw["after_entry_office"])
        for raw in document["municipalities"]
    )


def _parse_groups(document: Any) -> dict[str, OccupationGroup]:
    return {
        key: OccupationGroup(key, raw["body"], bool(raw["regulated"]), raw["note"], tuple(raw["occupations"]))
        for key, raw in document["groups"].items()
    }


_organisations_file = ReloadingFile(KNOWLEDGE_DIR / "organisations.yml", _parse_organisations)
_municipalities_file = ReloadingFile(KNOWLEDGE_DIR / "municipalities.yml", _parse_municipalities)
_groups_file = ReloadingFile(KNOWLEDGE_DIR / "recognition_bodies.yml", _parse_groups)


def organisation(org_id: str) -> RoutingTarget:
    organisations: dict[str, RoutingTarget] = _organisations_file.get()
    try:
        return organisations[org_id]
    except KeyError:
        raise KnowledgeError(f"unknown organisation id: {org_id!r}") from None


def municipalities() -> tuple[Municipality, ...]:
    result: tuple[Municipality, ...] = _municipalities_file.get()
    return result


def occupation_groups() -> dict[str, OccupationGroup]:
    result: dict[str, OccupationGroup] = _groups_file.get()
    return result


# ---------------------------------------------------------------- name matching


def normalise_name(text: str) -> str:
    """Lower case, umlauts spelt out, punctuation dropped: 'Neustadt a. Rbge.' -> 'neustadt a rbge'."""
    lowered = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_only).strip()


def _municipality_choices() -> dict[str, Municipality]:
    choices: dict[str, Municipality] = {}
    for municipality in municipalities():
        for name in (municipality.id.replace("_", " "), municipality.name, *municipality.aliases):
            choices[normalise_name(name)] = municipality
    return choices


def match_municipality(text: str) -> MunicipalityMatch:
    """Find one of the 21 municipalities by name, tolerating typos; otherwise 'outside the Region'."""
    query = normalise_name(text)
    choices = _municipality_choices()
    if query in choices:
        return MunicipalityMatch(text, choices[query], 100.0)
    first_word = query.split(" ", 1)[0]
    if first_word in choices:  # "Hannover-Linden", "Garbsen Berenbostel": a district of the municipality
        return MunicipalityMatch(text, choices[first_word], 100.0)
    best = process.extractOne(query, list(choices), scorer=fuzz.ratio, score_cutoff=MUNICIPALITY_CUTOFF)
    if best is None:
        return MunicipalityMatch(text, None, 0.0)
    return MunicipalityMatch(text, choices[best[0]], float(best[1]))


def municipality_by_id(municipality_id: str) -> Municipality | None:
    return next((m for m in municipalities() if m.id == municipality_id), None)


def occupation_group_for(occupation: str) -> OccupationGroup | None:
    """The occupation group whose listed occupations match ``occupation`` (typo-tolerant)."""
    choices = {normalise_name(name): group for group in occupation_groups().values() for name in group.occupations}
    best = process.extractOne(
        normalise_name(occupation), list(choices), scorer=fuzz.ratio, score_cutoff=OCCUPATION_CUTOFF
    )
    return choices[best[0]] if best else None


# ---------------------------------------------------------------- routing rules


def pre_check_org(business_type: str) -> RoutingTarget:
    if business_type not in BUSINESS_TYPES:
        raise ValueError(f"unknown business type {business_type!r}; expected one of {BUSINESS_TYPES}")
    org_id = {"craft": "hwk_hannover", "industry_trade": "ihk_hannover"}.get(business_type, "welcome_center")
    return organisation(org_id)


def _group_for_case(case: RoutingCase) -> OccupationGroup | None:
    groups = occupation_groups()
    if case.occupation_group:
        return groups.get(case.occupation_group)
    listed = occupation_group_for(case.occupation) if case.occupation else None
    if listed is not None and (listed.regulated or case.qualification_type != "university"):
        return listed
    if case.qualification_type == "university":
        return groups["university"]
    if case.qualification_type in ("vocational", None):
        return _chamber_group_by_business(case.business_type)
    return None


def _chamber_group_by_business(business_type: str) -> OccupationGroup | None:
    """An unlisted vocational occupation: the employer's chamber is the best available guess."""
    group_id = {"craft": "craft", "industry_trade": "ihk"}.get(business_type)
    return occupation_groups()[group_id] if group_id else None


def recognition_body(case: RoutingCase) -> tuple[RoutingTarget | None, str | None]:
    """The body that recognises the qualification, or None with the reason.

    An occupation that is not listed is routed by the employer's chamber; the note says so.
    """
    group = _group_for_case(case)
    if group is None:
        return None, "recognition_body_unknown"
    if group.body is None:
        return None, f"recognition_body_unverified_{group.id}"
    listed = case.occupation_group or (case.occupation and occupation_group_for(case.occupation))
    note = None if listed or group.id in ("university", "dab") else "recognition_body_assumed_from_business_type"
    return organisation(group.body), note


def forward_to(case: RoutingCase, day: date) -> tuple[RoutingTarget | None, str | None]:
    """The § 81a authority on ``day``: the Zentralstelle from 2026-01-01, before the ABH at the workplace
    (from 2025-07-01 the employer could also choose the Zentralstelle; the note says so)."""
    if day >= ZENTRALSTELLE_SOLE_COMPETENCE:
        return organisation("zentralstelle"), None
    workplace = municipality_by_id(case.workplace_municipality) if case.workplace_municipality else None
    if workplace is None:
        return None, "workplace_unknown"
    optional = day >= ZENTRALSTELLE_OPTIONAL_FROM
    return organisation(workplace.after_entry_office), "zentralstelle_optional" if optional else None


def after_entry_office(residence_municipality: str | None) -> tuple[RoutingTarget | None, str | None]:
    """The immigration office at the worker's residence; None with the reason 'depends on residence'."""
    residence = municipality_by_id(residence_municipality) if residence_municipality else None
    if residence is None:
        return None, "depends_on_residence"
    return organisation(residence.after_entry_office), None


def route(case: RoutingCase, day: date) -> Routing:
    """All four routing targets for ``case`` as valid on ``day``; gaps are explained in ``notes``."""
    body, body_note = recognition_body(case)
    authority, authority_note = forward_to(case, day)
    office, office_note = after_entry_office(case.residence_municipality)
    notes = {
        key: note
        for key, note in (
            ("recognition_body", body_note),
            ("forward_to", authority_note),
            ("after_entry_office", office_note),
        )
        if note
    }
    if day >= ZENTRALSTELLE_SOLE_COMPETENCE:
        notes["pre_check_org"] = "cooperation_continuation_unverified"
    return Routing(pre_check_org(case.business_type), body, authority, office, notes)
