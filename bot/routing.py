"""Who handles a case: pre-check, recognition, the § 81a authority and the office after entry.

Rules (facts.md sections 5 and 6):
- pre-check: craft -> Handwerkskammer Hannover; industry/trade -> IHK Hannover; otherwise Welcome Center.
- recognition body: by occupation group (IHK Hannover, not IHK FOSA; HWK Hannover; LS Lüneburg;
  NiZzA; ZAB, also for engineers' degrees - the Ingenieurkammer only for the protected title); teachers,
  educators and other regulated academic professions (pharmacists, vets, psychotherapists) -> referral,
  the licensing authority is not in the facts; IT specialists without a degree -> none needed.
- forward_to: from 2026-01-01 the Zentralstelle; before, the ABH at the place of work.
- after-entry office: the worker's residence (Hannover city -> city ABH, the other 20 -> Region ABH).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, ReloadingFile

ZENTRALSTELLE_OPTIONAL_FROM = date(2025, 7, 1)
ZENTRALSTELLE_SOLE_COMPETENCE = date(2026, 1, 1)
MUNICIPALITY_CUTOFF = 85.0
DISTRICT_CUTOFF = 90.0
PLACE_KINDS = ("municipality", "region", "outside", "unknown")
FUZZY_MIN_LENGTH = 5
OUTSIDE_MARGIN = 5.0  # a typo is read as a Region name only if no outside place is within this many points
SHORT_ANSWER_WORDS = 3
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
    postcodes: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()


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
class PlaceMatch:
    """What a typed place means: one of the 21 ``municipality``s (also for its districts and postcodes),
    the ``region`` as a whole (ask which town), a place ``outside`` the Region, or ``unknown``.
    ``place`` is the name or postcode as recognised ("Steinhude", "Peine", "31224")."""

    query: str
    kind: str  # one of PLACE_KINDS
    municipality: Municipality | None = None
    place: str | None = None
    score: float = 0.0

    @property
    def inside_region(self) -> bool:
        return self.kind in ("municipality", "region")


@dataclass(frozen=True)
class OccupationGroup:
    id: str
    body: str | None
    regulated: bool
    note: str
    occupations: tuple[str, ...]
    title_body: str | None = None  # decides on a protected title only ("Ingenieur"), not needed for the visa


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


def _parse_municipality(raw: Any) -> Municipality:
    return Municipality(
        raw["id"],
        raw["name"],
        tuple(raw["aliases"]),
        raw["after_entry_office"],
        tuple(str(code) for code in raw.get("postcodes", ())),
        tuple(raw.get("districts", ())),
    )


@dataclass(frozen=True)
class _Name:
    """One name of the gazetteer: a municipality (by name, alias or district), the Region, or outside."""

    kind: str
    label: str
    municipality: Municipality | None = None
    ambiguous_alone: bool = False  # "Neustadt": another place if a qualifier follows ("an der Weinstraße")
    also_word: bool = False  # "Lehre", "Letter": in a longer text only after a place word


@dataclass(frozen=True)
class Gazetteer:
    municipalities: tuple[Municipality, ...]
    names: dict[tuple[str, ...], _Name]
    postcodes: dict[str, Municipality]
    near_words: frozenset[str]
    longest: int


def _name_key(name: str) -> tuple[str, ...]:
    return tuple(normalise_name(name).split())


def _parse_gazetteer(document: Any) -> Gazetteer:
    places = tuple(_parse_municipality(raw) for raw in document["municipalities"])
    raw_by_id = {raw["id"]: raw for raw in document["municipalities"]}
    also_words = {_name_key(word) for word in document.get("also_words", ())}
    names: dict[tuple[str, ...], _Name] = {}

    def add(name: str, entry: _Name) -> None:
        key = _name_key(name)
        if key in names and names[key] != entry:
            raise KnowledgeError(f"municipalities.yml: {name!r} is listed twice with different meanings")
        names[key] = replace(entry, also_word=key in also_words)

    for place in places:
        ambiguous = bool(raw_by_id[place.id].get("ambiguous_alone"))
        for name in (place.id.replace("_", " "), place.name, *place.aliases):
            add(name, _Name("municipality", place.name, place, ambiguous_alone=ambiguous))
        for district in place.districts:
            add(district, _Name("municipality", district, place))
    for name in document.get("region_names", ()):
        add(name, _Name("region", name))
    for phrase in document.get("outside_phrases", ()):
        add(phrase, _Name("outside", ""))
    for name in document.get("outside_places", ()):
        add(name, _Name("outside", name))
    for name in document.get("organisation_names", ()):
        add(name, _Name("organisation", name))
    postcodes: dict[str, Municipality] = {}
    for place in places:
        for code in place.postcodes:
            if code in postcodes:
                raise KnowledgeError(f"municipalities.yml: postcode {code} is listed twice")
            postcodes[code] = place
    near_words = frozenset(normalise_name(word) for word in document.get("near_words", ()))
    return Gazetteer(places, names, postcodes, near_words, max(len(key) for key in names))


def _parse_groups(document: Any) -> dict[str, OccupationGroup]:
    return {
        key: OccupationGroup(
            key, raw["body"], bool(raw["regulated"]), raw["note"], tuple(raw["occupations"]), raw.get("title_body")
        )
        for key, raw in document["groups"].items()
    }


_organisations_file = ReloadingFile(KNOWLEDGE_DIR / "organisations.yml", _parse_organisations)
_municipalities_file = ReloadingFile(KNOWLEDGE_DIR / "municipalities.yml", _parse_gazetteer)
_groups_file = ReloadingFile(KNOWLEDGE_DIR / "recognition_bodies.yml", _parse_groups)


def organisation(org_id: str) -> RoutingTarget:
    organisations: dict[str, RoutingTarget] = _organisations_file.get()
    try:
        return organisations[org_id]
    except KeyError:
        raise KnowledgeError(f"unknown organisation id: {org_id!r}") from None


def gazetteer() -> Gazetteer:
    result: Gazetteer = _municipalities_file.get()
    return result


def municipalities() -> tuple[Municipality, ...]:
    return gazetteer().municipalities


def occupation_groups() -> dict[str, OccupationGroup]:
    result: dict[str, OccupationGroup] = _groups_file.get()
    return result


# ---------------------------------------------------------------- name matching


def normalise_name(text: str) -> str:
    """Lower case, umlauts spelt out, punctuation dropped: 'Neustadt a. Rbge.' -> 'neustadt a rbge'."""
    lowered = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_only).strip()


def match_municipality(text: str) -> MunicipalityMatch:
    """One of the 21 municipalities named in ``text`` (see ``find_place``); otherwise 'outside the Region'."""
    found = find_place(text)
    return MunicipalityMatch(text, found.municipality, found.score)


def find_place(text: str, last_first: bool = False) -> PlaceMatch:
    """What place ``text`` names, for a short answer ("Garbsn", "30823", "Steinhude") or a sentence
    ("Wir sitzen in Peine bei Hannover"). Exact names and postcodes first: the longest name wins, and a
    postcode beats a name; "bei/nahe/near Hannover" is a reference point, not the place. Only then typos,
    and only of names in the Region that no outside place ("Lehre" ~ "Lehrte") comes as close to.
    With ``last_first`` the last place named counts ("nicht Laatzen, sondern Hemmingen")."""
    gaz = gazetteer()
    words = [normalise_name(word) for word in _WORD.findall(text)]
    found = _exact_hits(words, gaz)
    hits = [hit for hit in _kept_hits(found, words, gaz) if hit.name.kind != "organisation"]
    postcodes = [hit for hit in hits if hit.postcode]
    specific = postcodes or [hit for hit in hits if hit.name.kind != "region"]
    if specific:
        hit = specific[-1] if last_first else specific[0]
        return PlaceMatch(text, hit.name.kind, hit.name.municipality, hit.label or None, 100.0)
    if hits:
        return PlaceMatch(text, "region", None, hits[0].label, 100.0)
    named = {index for hit in found for index in range(hit.start, hit.end)}  # "bei Hannover" is no typo either
    return _typo_match(text, [("" if index in named else word) for index, word in enumerate(words)], gaz)


_WORD = re.compile(r"[^\W_]+")
_POSTCODE = re.compile(r"^\d{5}$")
_NOT_A_POSTCODE_AFTER = frozenset({"euro", "eur", "brutto", "netto", "gross", "pro", "per", "im", "jahr", "monat"})
_POSTCODE_WORDS = frozenset({"plz", "postleitzahl", "postcode", "zip"})
_FILLER = frozenset({"von", "der", "dem", "den", "the", "of", "to", "from", "zu", "zur", "zum"})
_QUALIFIERS = frozenset({"an", "am", "a", "in", "im", "i", "bei", "b", "ob", "auf", "der", "d"})
_PLACE_WORDS = frozenset(
    {"in", "im", "nach", "aus", "bei", "at", "near", "from", "to", "ort", "arbeitsort", "wohnort", "standort", "sitz"}
)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    name: _Name
    label: str
    postcode: bool = False


def _exact_hits(words: list[str], gaz: Gazetteer) -> list[_Hit]:
    hits: list[_Hit] = []
    index = 0
    while index < len(words):
        hit = _longest_name_at(index, words, gaz) or _postcode_at(index, words, gaz)
        hits += [hit] if hit else []
        index = hit.end if hit else index + 1
    return hits


def _longest_name_at(index: int, words: list[str], gaz: Gazetteer) -> _Hit | None:
    for length in range(min(gaz.longest, len(words) - index), 0, -1):
        name = gaz.names.get(tuple(words[index : index + length]))
        if name is None:
            continue
        in_context = len(words) <= SHORT_ANSWER_WORDS or (index > 0 and words[index - 1] in _PLACE_WORDS)
        if name.also_word and not in_context:
            return None
        return _Hit(index, index + length, name, name.label)
    return None


def _postcode_at(index: int, words: list[str], gaz: Gazetteer) -> _Hit | None:
    """A postcode is a short answer ("31224"), comes before a name ("30823 Garbsen") or after "PLZ"/"in";
    not part of a phone number ("05131 44 55 66") or an amount ("30900 Euro")."""
    word = words[index]
    before = words[index - 1] if index > 0 else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    if not _POSTCODE.match(word) or before.isdigit() or after.isdigit() or after in _NOT_A_POSTCODE_AFTER:
        return None
    placed = len(words) <= SHORT_ANSWER_WORDS or after.isalpha() or before in _PLACE_WORDS | _POSTCODE_WORDS
    if not placed:
        return None
    place = gaz.postcodes.get(word)
    name = _Name("municipality", place.name, place) if place else _Name("outside", word)
    return _Hit(index, index + 1, name, word, postcode=True)


def _kept_hits(hits: list[_Hit], words: list[str], gaz: Gazetteer) -> list[_Hit]:
    """Drops reference points ("bei Hannover"); a bare ambiguous name with another qualifier
    ("Neustadt an der Weinstraße") is another place, outside the Region."""
    kept = []
    for position, hit in enumerate(hits):
        if _after_near_word(hit, words, gaz):
            continue
        if (
            hit.name.ambiguous_alone
            and hit.end - hit.start == 1
            and _qualified_elsewhere(hit, hits[position + 1 :], words)
        ):
            hit = _Hit(hit.start, hit.end, _Name("outside", " ".join(words[hit.start : hit.end + 3])), hit.label)
        kept.append(hit)
    return kept


def _after_near_word(hit: _Hit, words: list[str], gaz: Gazetteer) -> bool:
    before = hit.start - 1
    while before >= 0 and words[before] in _FILLER:
        before -= 1
    return before >= 0 and words[before] in gaz.near_words


def _qualified_elsewhere(hit: _Hit, later: list[_Hit], words: list[str]) -> bool:
    if hit.end >= len(words) or words[hit.end] not in _QUALIFIERS:
        return False
    following = later[0] if later else None
    near_hannover = following is not None and (
        following.name.kind == "region"
        or (following.name.municipality is not None and following.name.municipality.id == "hannover")
    )
    return not near_hannover


def _typo_match(text: str, words: list[str], gaz: Gazetteer) -> PlaceMatch:
    inside = {" ".join(key): name for key, name in gaz.names.items() if name.kind == "municipality"}
    outside = [" ".join(key) for key, name in gaz.names.items() if name.kind == "outside" and name.label]
    candidates = [key for key, name in inside.items() if len(key) >= FUZZY_MIN_LENGTH and not name.also_word]
    best: tuple[float, _Name] | None = None
    for chunk in _chunks(words, gaz):
        found = process.extractOne(chunk, candidates, scorer=fuzz.ratio, score_cutoff=MUNICIPALITY_CUTOFF)
        if found is None or (best is not None and found[1] <= best[0]) or found[1] < _cutoff(inside[found[0]]):
            continue
        rival = process.extractOne(chunk, outside, scorer=fuzz.ratio)
        if rival is None or rival[1] < found[1] - OUTSIDE_MARGIN:
            best = (float(found[1]), inside[found[0]])
    if best is None:
        return PlaceMatch(text, "unknown")
    return PlaceMatch(text, "municipality", best[1].municipality, best[1].label, best[0])


def _cutoff(name: _Name) -> float:
    """Districts are many and short ("Anderten" ~ "andere"): their typos must come closer."""
    is_district = name.municipality is not None and name.label != name.municipality.name
    return DISTRICT_CUTOFF if is_district else MUNICIPALITY_CUTOFF


def _chunks(words: list[str], gaz: Gazetteer) -> list[str]:
    """Single words and pairs that could be a mistyped name (not numbers, not "bei"/"near"). In a longer
    text only words after a place word ("in Garbsn"), so "anderen" is not read as Anderten."""
    short = len(words) <= SHORT_ANSWER_WORDS
    usable = [
        word
        if len(word) > 2
        and not word.isdigit()
        and word not in gaz.near_words
        and (short or (index > 0 and words[index - 1] in _PLACE_WORDS))
        else ""
        for index, word in enumerate(words)
    ]
    singles = [word for word in usable if len(word) >= FUZZY_MIN_LENGTH]
    pairs = [f"{a} {b}" for a, b in zip(usable, usable[1:]) if a and b]
    return singles + pairs


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
    if listed is not None and listed.id == "it":
        return _it_group_by_qualification(case.qualification_type)
    if listed is not None and (listed.regulated or listed.title_body or case.qualification_type != "university"):
        return listed
    if case.qualification_type == "university":
        return groups["university"]
    if case.qualification_type in ("vocational", None):
        return _chamber_group_by_business(case.business_type)
    return None


def _it_group_by_qualification(qualification_type: str | None) -> OccupationGroup | None:
    """IT work: a degree goes to the ZAB, a vocational qualification (Fachinformatiker) to the IHK."""
    group_id = {"university": "university", "vocational": "ihk"}.get(qualification_type or "")
    return occupation_groups()[group_id] if group_id else None


def _chamber_group_by_business(business_type: str) -> OccupationGroup | None:
    """An unlisted vocational occupation: the employer's chamber is the best available guess."""
    group_id = {"craft": "craft", "industry_trade": "ihk"}.get(business_type)
    return occupation_groups()[group_id] if group_id else None


def _works_in_it(case: RoutingCase) -> bool:
    listed = occupation_group_for(case.occupation) if case.occupation else None
    named_it = listed is not None and (listed.id == "it" or "informatik" in normalise_name(case.occupation or ""))
    return case.qualification_type == "it_experience" or named_it or case.occupation_group == "it"


def recognition_body(case: RoutingCase) -> tuple[RoutingTarget | None, str | None]:
    """The body that recognises the qualification, or None with the reason.

    IT specialists without a degree need no recognition (§ 6 BeschV, § 18g Abs. 2); without any formal
    qualification there is nothing to recognise. An occupation that is not listed is routed by the
    employer's chamber; the note says so. Engineers go to the ZAB for the visa; the note names the
    Ingenieurkammer, which decides only on the protected title.
    """
    if case.qualification_type in ("it_experience", "none") and _works_in_it(case):
        return None, "recognition_not_needed_it_specialist"
    if case.qualification_type == "none":
        return None, "recognition_not_possible_without_qualification"
    group = _group_for_case(case)
    if group is None:
        return None, "recognition_body_unknown"
    if group.body is None:
        return None, f"recognition_body_unverified_{group.id}"
    if group.title_body:
        return organisation(group.body), f"title_only_{group.title_body}"
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
