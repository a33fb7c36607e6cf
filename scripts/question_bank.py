"""The question bank of real phrasing (tests/questions/): loading, the split rule, oracles and typos.

An oracle says what a RIGHT reply must contain, as case-insensitive regular expressions:
``all`` (every item must match; an item that is a list matches when any of its patterns does),
``any`` (at least one must match) and ``none`` (no pattern may match). Every oracle also requires
that the reply is not the clarifying fallback. Patterns may use placeholders:
``{fact:<id>}`` is the value of a fact in bot/knowledge/facts.yml on the evaluation day, as a
regex that accepts the usual ways of writing it ("411 €", "€411", "411,00 Euro", "50.700", "50,700");
``{pat:<name>}`` is a named pattern from tests/questions/patterns.yml (an authority, a referral).
So a yearly figure change in the knowledge file does not break the bank.

Every answer that cites an unverified figure ends with the same list of standard contacts (Zentralstelle,
IHK, Handwerkskammer, Welcome Center), and every answer that cites a fact ends with its sources ("Source:
LAB NI …"). Both name authorities whatever the question was, so they answer no "who is responsible?":
patterns are matched against the reply WITHOUT them, except in an item that names ``{pat:referral}``,
where any referral to a person or body is what the oracle asks for.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from bot.knowledge import KnowledgeBase, Range, ValueOn, knowledge
from bot.texts import text as message_text

REPO = Path(__file__).resolve().parent.parent
BANK_DIR = REPO / "tests" / "questions"
PATTERNS_FILE = BANK_DIR / "patterns.yml"
SPLITS = ("dev", "heldout")
LANGUAGES = ("de", "en")
FIELDS = ("id", "text", "source", "persona", "category", "in_scope", "language", "oracle")
ORACLE_KEYS = frozenset({"all", "any", "none"})
EVALUATION_DAY = date(2026, 11, 26)  # tests/e2e/conftest.py TEST_DAY: the day the stack believes it is
# The split rule: within one language, category and block of 20 id numbers (01-20, 21-40, ...), questions
# ordered by the SHA-256 of their id; positions 1 and 3 of every 5 are held out (40 %). It looks only at ids,
# never at the bot's answers. The blocks keep the rule stable when questions are added: new ids open a new
# block and are split among themselves, so no question already placed moves between dev and held-out.
HELD_OUT_POSITIONS = frozenset({1, 3})
SPLIT_PERIOD = 5
SPLIT_BLOCK = 20
PLACEHOLDER = re.compile(r"\{(fact|pat):([a-z0-9_]+)\}")

_NUMBER_WORDS = {
    1: ("one", "eine[nmrs]?", "ein"),
    2: ("two", "zwei"),
    3: ("three", "drei"),
    4: ("four", "vier"),
    5: ("five", "fünf"),
    6: ("six", "sechs"),
    7: ("seven", "sieben"),
    12: ("twelve", "zwölf"),
    20: ("twenty", "zwanzig"),
    21: ("twenty-one", "einundzwanzig"),
    24: ("twenty-four", "vierundzwanzig"),
    27: ("twenty-seven", "siebenundzwanzig"),
}
_UNIT_PATTERNS = {
    "months": r"(?:monat\w*|months?)",
    "weeks": r"(?:woche\w*|weeks?)",
    "working_days": r"(?:arbeitstag\w*|werktag\w*|working days?|business days?)",
    "years": r"(?:jahr\w*|years?)",
    "hours_per_week": r"(?:stunden?|hours?)",
    "points": r"(?:punkt\w*|points?)",
}
_GROUP_SEPARATOR = r"[.,\u00a0\u202f' ]?"


class BankError(ValueError):
    """A question or oracle of the bank is malformed or names an unknown fact or pattern."""


REFERRAL_PLACEHOLDER = "{pat:referral}"


@dataclass(frozen=True)
class Oracle:
    required: tuple[tuple[str, ...], ...]  # each group: any of its patterns must match
    forbidden: tuple[str, ...]
    # per group of ``required``: True when it may be met by the standard contacts list (a {pat:referral} item)
    whole_reply: tuple[bool, ...] = ()

    def failures(self, reply: str) -> list[str]:
        """The patterns a reply misses or wrongly contains; empty means the reply is right."""
        answer = without_standard_contacts(reply)
        whole = self.whole_reply or (False,) * len(self.required)
        failed = [
            f"missing: {' | '.join(group)}"
            for group, anywhere in zip(self.required, whole)
            if not _matches_any(group, reply if anywhere else answer)
        ]
        failed += [f"forbidden: {pattern}" for pattern in self.forbidden if re.search(pattern, answer, re.IGNORECASE)]
        if is_clarifying_fallback(reply):
            failed.append("forbidden: the clarifying fallback")
        return failed


@dataclass
class Question:
    id: str
    text: str
    source: str
    persona: str
    category: str
    in_scope: bool
    language: str
    oracle: dict
    compiled: Oracle | None = field(default=None, repr=False)


def _matches_any(patterns: Iterable[str], reply: str) -> bool:
    return any(re.search(pattern, reply, re.IGNORECASE) for pattern in patterns)


# ---------------------------------------------------------------- loading


def bank_path(split: str, language: str) -> Path:
    return BANK_DIR / split / f"{language}.yml"


def load_raw(split: str, language: str) -> list[dict]:
    path = bank_path(split, language)
    return list(_parsed(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _parsed(path: Path, modified: int) -> tuple[dict, ...]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    return tuple(document.get("questions") or [])


def load_questions(split: str, language: str, day: date = EVALUATION_DAY) -> list[Question]:
    questions = []
    for raw in load_raw(split, language):
        question = Question(**{name: raw[name] for name in FIELDS})
        question.compiled = compile_oracle(question.oracle, day)
        questions.append(question)
    return questions


@lru_cache(maxsize=1)
def named_patterns() -> dict[str, str]:
    return dict(yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- the split rule


def _order_key(question_id: str) -> str:
    return hashlib.sha256(question_id.encode("utf-8")).hexdigest()


def id_block(question_id: str) -> int:
    """The block of SPLIT_BLOCK id numbers an id belongs to: '<lang>-<category>-07' -> 0, '...-21' -> 1."""
    match = re.search(r"-(\d+)$", question_id)
    if not match:
        raise BankError(f"a question id ends with its number: {question_id!r}")
    return (int(match.group(1)) - 1) // SPLIT_BLOCK


def assign_splits(questions: Iterable[dict]) -> dict[str, str]:
    """question id -> 'dev' or 'heldout', stratified by (language, category, id block)."""
    strata: dict[tuple[str, str, int], list[str]] = {}
    for question in questions:
        key = (question["language"], question["category"], id_block(question["id"]))
        strata.setdefault(key, []).append(question["id"])
    assignment = {}
    for ids in strata.values():
        for position, question_id in enumerate(sorted(ids, key=_order_key)):
            held = position % SPLIT_PERIOD in HELD_OUT_POSITIONS
            assignment[question_id] = "heldout" if held else "dev"
    return assignment


# ---------------------------------------------------------------- oracles


def compile_oracle(raw: dict, day: date = EVALUATION_DAY, base: KnowledgeBase | None = None) -> Oracle:
    if not isinstance(raw, dict) or not raw or set(raw) - ORACLE_KEYS:
        raise BankError(f"an oracle needs some of {sorted(ORACLE_KEYS)}, got {raw!r}")
    base = base or knowledge()
    groups = [item if isinstance(item, list) else [item] for item in raw.get("all") or []]
    groups += [raw["any"]] if raw.get("any") else []
    required = [tuple(resolve(pattern, day, base) for pattern in group) for group in groups]
    whole_reply = tuple(any(REFERRAL_PLACEHOLDER in pattern for pattern in group) for group in groups)
    forbidden = tuple(resolve(pattern, day, base) for pattern in raw.get("none") or [])
    if not required and not forbidden:
        raise BankError(f"an oracle must require or forbid something: {raw!r}")
    for pattern in [*(p for group in required for p in group), *forbidden]:
        re.compile(pattern)
    return Oracle(required=tuple(required), forbidden=forbidden, whole_reply=whole_reply)


def resolve(pattern: str, day: date = EVALUATION_DAY, base: KnowledgeBase | None = None) -> str:
    """The pattern with every {fact:…} and {pat:…} placeholder replaced by its regex."""
    base = base or knowledge()

    def replace(match: re.Match) -> str:
        kind, name = match.groups()
        if kind == "pat":
            try:
                return f"(?:{named_patterns()[name]})"
            except KeyError:
                raise BankError(f"unknown named pattern {name!r}") from None
        return fact_pattern(name, day, base)

    return PLACEHOLDER.sub(replace, pattern)


def fact_pattern(fact_id: str, day: date = EVALUATION_DAY, base: KnowledgeBase | None = None) -> str:
    base = base or knowledge()
    try:
        lookup = base.value_on(fact_id, day)
    except ValueError as error:
        raise BankError(str(error)) from None
    if not isinstance(lookup, ValueOn) or lookup.value is None:
        raise BankError(f"fact {fact_id!r} has no value on {day}")
    if not lookup.fact.verified:
        raise BankError(f"fact {fact_id!r} is not verified: a right reply refers, it does not state the figure")
    value, unit = lookup.value, lookup.fact.unit
    if isinstance(value, Range):
        low, high = number_pattern(value.minimum), number_pattern(value.maximum)
        return rf"(?:{low}\s*(?:€|euro|eur)?\s*(?:–|-|bis|to|and|und)\s*(?:€\s*)?{high})"
    if isinstance(value, date):
        return _date_pattern(value)
    if isinstance(value, str):
        return r"\s*".join(re.escape(part) for part in value.split())
    if unit in _UNIT_PATTERNS:
        return _counted_pattern(value, unit)
    if unit == "percent":
        return rf"(?:{number_pattern(value)}\s*(?:%|prozent|per ?cent))"
    return number_pattern(value)


def number_pattern(value: Decimal) -> str:
    """A number as people and the bot write it: grouped or not, with ',' or '.' for decimals."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    whole = str(abs(int(value)))
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    integer = _GROUP_SEPARATOR.join(groups)
    fraction = str(value).split(".")[1] if places else ""
    if fraction and set(fraction) != {"0"}:
        body = rf"{integer}[.,]{fraction.rstrip('0')}0*"
    else:
        body = rf"{integer}(?:[.,]0{{1,2}}|,-)?"
    return rf"(?<![\d.,]){body}(?![\d])"


def _counted_pattern(value: Decimal, unit: str) -> str:
    words = _NUMBER_WORDS.get(int(value), ()) if value == int(value) else ()
    if value == Decimal("2.5"):
        words = ("two and a half", "zweieinhalb")
    amount = "|".join([number_pattern(value), *words])
    return rf"(?:\b(?:{amount})[\s-]*{_UNIT_PATTERNS[unit]})"


def _date_pattern(day: date) -> str:
    months_de = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
    english = day.strftime("%B")
    return (
        rf"(?:0?{day.day}\.\s*0?{day.month}\.\s*{day.year}|{day.day}\.\s*{months_de[day.month - 1]}\s*{day.year}"
        rf"|{day.day}(?:st|nd|rd|th)?\s+{english}\s+{day.year}|{english}\s+{day.day}(?:st|nd|rd|th)?,?\s+{day.year})"
    )


# ---------------------------------------------------------------- replies


@lru_cache(maxsize=1)
def _standard_contact_openings() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(the referral block's opening lines, the bullet openings of its standard contacts, the sources line's
    opening), each in both languages."""
    from bot.answers import STANDARD_CONTACTS, templates

    answers = templates()
    intros = tuple(answers.phrases["referral_intro"][language] for language in LANGUAGES)
    contacts = [*STANDARD_CONTACTS, "local_abh_historical"]
    openings = tuple(
        "• " + answers.contacts[key][language].split("{")[0].strip() for key in contacts for language in LANGUAGES
    )
    sources = tuple(answers.phrases["sources"][language].split("{")[0] for language in LANGUAGES)
    return intros, openings, sources


def without_standard_contacts(reply: str) -> str:
    """The reply without the standard contacts of its referral blocks (the topic's own referrals stay) and
    without its sources lines."""
    intros, openings, sources = _standard_contact_openings()
    kept, in_block = [], False
    for line in reply.splitlines():
        stripped = line.strip()
        if stripped.startswith(sources):
            continue
        if stripped in intros:
            in_block = True
        elif in_block and stripped.startswith("•"):
            if stripped.startswith(openings):
                continue
        else:
            in_block = False
        kept.append(line)
    return "\n".join(kept)


def _fallback_openings() -> dict[str, tuple[str, ...]]:
    # The human-contact fallback follows only a second clarification in a row (actions/answers.py); every
    # question here is a fresh conversation, so a contact list is the answer to "talk to a person", not a fallback.
    return {
        "clarify": tuple(message_text("clarify", language) for language in LANGUAGES),
        "unsupported_language": (message_text("unsupported_language", "de")[:40],),
    }


def fallback_kind(reply: str) -> str | None:
    """'clarify' or 'unsupported_language' when the reply is that fallback."""
    for kind, openings in _fallback_openings().items():
        if any(opening and opening in reply for opening in openings):
            return kind
    return None


def is_clarifying_fallback(reply: str) -> bool:
    return fallback_kind(reply) == "clarify"


# ---------------------------------------------------------------- typos (R3)

_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
_WORD = re.compile(r"\S+")
TYPO_RATE = 0.18
TYPO_SEED = 13


def perturb(text: str, key: str, rate: float = TYPO_RATE, seed: int = TYPO_SEED) -> str:
    """A typed-on-a-phone copy: no capitals, umlauts as ae/oe/ue, some letters swapped or dropped.

    Words with a digit, €, %, § or @ are kept as they are, so figures and amounts stay intact and
    the oracle still applies. Deterministic for the same key and seed."""
    chance = random.Random(f"{seed}:{key}")
    text = "".join(_UMLAUTS.get(char, char) for char in text).lower()
    return _WORD.sub(lambda match: _typo(match.group(0), chance, rate), text)


def _typo(word: str, chance: random.Random, rate: float) -> str:
    letters = [i for i, char in enumerate(word) if char.isalpha()]
    if len(letters) < 4 or re.search(r"[\d€%§@/]", word) or chance.random() >= rate:
        return word
    inner = letters[1:-1]
    position = chance.choice(inner)
    if chance.random() < 0.5 and position + 1 < len(word) and word[position + 1].isalpha():
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return word[:position] + word[position + 1 :]


# ---------------------------------------------------------------- forum framing

# How people open and close a post in a forum or a contact form. None of them says anything about the
# case, so the question's oracle still applies; the copy shows whether greetings, thanks and a word about
# the asker push a question off its topic (real questions come framed like this, the bank's mostly not).
_OPENINGS = {
    "de": (
        "Hallo zusammen,",
        "Guten Tag,",
        "Moin, kurze Frage:",
        "Hallo, ich bin neu in dem Thema und blicke noch nicht ganz durch.",
    ),
    "en": ("Hi all,", "Hello,", "Hey, quick question:", "Hi, I am new to all this and a bit lost."),
}
_CLOSINGS = {
    "de": ("Danke im Voraus!", "Vielen Dank für jede Antwort.", "LG", "Über eine kurze Info würde ich mich freuen."),
    "en": ("Thanks in advance!", "Any help is appreciated.", "Cheers", "Would be great to get a quick answer."),
}


def frame(text: str, key: str, language: str, seed: int = TYPO_SEED) -> str:
    """The question as a forum post: an opening before it and a closing after it (deterministic per key)."""
    chance = random.Random(f"frame:{seed}:{key}")
    return f"{chance.choice(_OPENINGS[language])} {text} {chance.choice(_CLOSINGS[language])}"


# ---------------------------------------------------------------- near-copies (held-out vs training data)

NEAR_COPY_THRESHOLD = 88  # rapidfuzz ratio (0-100) of normalised texts; see tests/bot/test_question_bank.py
MIN_SENTENCE_WORDS = 8


def normalise(text: str) -> str:
    text = "".join(_UMLAUTS.get(char, char) for char in unicodedata.normalize("NFC", text)).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def comparable_parts(question_text: str) -> list[str]:
    """The whole question and each of its sentences long enough to be a training example."""
    sentences = [part for part in re.split(r"(?<=[.!?])\s+|\n+", question_text) if part.strip()]
    parts = [normalise(question_text)]
    parts += [normalise(s) for s in sentences if len(normalise(s).split()) >= MIN_SENTENCE_WORDS]
    return list(dict.fromkeys(parts))


def near_copies(
    questions: Iterable[Question | dict], examples: Iterable[str], threshold: float = NEAR_COPY_THRESHOLD
) -> list[tuple[str, str, float]]:
    """(question id, training example, score) for every example that copies a question or a sentence of it."""
    from rapidfuzz import fuzz, process

    normalised = {normalise(example): example for example in examples if normalise(example)}
    choices = list(normalised)
    found = []
    for question in questions:
        question_id = question["id"] if isinstance(question, dict) else question.id
        text = question["text"] if isinstance(question, dict) else question.text
        for part in comparable_parts(text):
            for choice, score, _ in process.extract(part, choices, scorer=fuzz.ratio, score_cutoff=threshold):
                found.append((question_id, normalised[choice], score))
    return found


def training_examples(nlu_dir: Path = REPO / "data" / "nlu") -> list[str]:
    """Every example text in data/nlu/*.yml (entity annotations removed)."""
    examples = []
    for path in sorted(nlu_dir.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = re.sub(r"^\s*-\s*", "", line)
                line = re.sub(r"\[([^\]]*)\]\{[^}]*\}|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or m.group(2), line)
                if line.strip():
                    examples.append(line.strip())
    return examples
