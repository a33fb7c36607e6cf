"""What a whole message says besides its topic: the context (business, place, occupation, nationality,
age, salary, qualification, family), the figures it claims (an amount, a duration) and its questions.

"We run a car repair shop in Burgdorf, the mechanic we want is 52 and comes from Egypt. We offer
3,600 € a month – enough?" reads as craft business, Burgdorf, mechanic (craft), EG, age 52, 43,200 € a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.amounts import MONTHS_PER_YEAR, parse_amount
from bot.case_fields import read_country
from bot.routing import match_municipality, normalise_name, occupation_group_for

WORDS_FILE = Path(__file__).with_name("words.yml")
SALARY_FLOOR = Decimal(1000)  # below this an amount in euros is a fee, not a salary
AGES = range(16, 71)
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NUMBER = r"\d{1,3}(?:[.,'’ ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_MONEY = re.compile(
    rf"(?:€|eur\b|euro\b)\s*(?P<a>{_NUMBER})\s*(?P<ak>k\b|tsd\b|tausend\b|thousand\b)?"
    rf"|(?P<b>{_NUMBER})\s*(?P<bk>k\b|tsd\.?|tausend\b|thousand\b)?\s*(?:€|eur\b|euros?\b|brutto\b|gross\b)"
    rf"|(?P<c>\d{{2,3}})\s*(?P<ck>k|tsd\.?|tausend|thousand)\b",
    re.IGNORECASE,
)
_MONTHLY = re.compile(r"monat|mtl\b|month|p\.\s?m\b|/\s?m(on)?\b|monthly|monatlich", re.IGNORECASE)
_YEARLY = re.compile(r"\b(year|jahr|annual|jährlich|jaehrlich|p\.\s?a\b|yearly)", re.IGNORECASE)
# "earns 3,500", "we pay 2900 a month": an amount without a currency that is a salary by its words
_PAY_WORDS = re.compile(
    r"(earn\w*|pay\w*|offer\w*|salary|gehalt|verdien\w*|bekommt|bekommen|zahl\w*|lohn|wage|gets|get|brutto|gross)"
    r"\W+(?:\w+\W+){0,2}$",
    re.IGNORECASE,
)
_PLAIN_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,']\d{3})+|\d{4,6})(?![\d.,]\d)")
_A_YEAR = re.compile(r"(19|20)\d\d")
HIGHEST_MONTHLY = Decimal(10000)  # a salary without its period below this is monthly: no annual salary is that low
_MONTH_WINDOW = 30  # characters after an amount in which "a month" still belongs to it
_AGE = re.compile(
    r"\b(?P<a>\d{2})\s*(?:-\s*)?(?:years?[\s-]old|y/?o\b|jahre\s+alt|j\.\s*alt|-?jährig|-?jaehrig)"
    r"|\b(?:age|aged|alter|ist|is|he's|she's|hes|shes|turns|wird|i'm|im|i am|bin)\s+(?:now\s+|jetzt\s+|already\s+|schon\s+)?"
    r"(?P<b>\d{2})\b(?![.,]\d)(?!\s*(?:%|€|eur|euro|k\b|jahre\s+(?:berufs)?erfahrung|years?\s+(?:of\s+)?(?:work\s+)?experience))",
    re.IGNORECASE,
)
_COUNT_WORDS = {
    "one": 1, "a": 1, "an": 1, "ein": 1, "eine": 1, "einen": 1, "einer": 1, "two": 2, "zwei": 2, "three": 3,
    "drei": 3, "four": 4, "vier": 4, "five": 5, "fünf": 5, "fuenf": 5, "six": 6, "sechs": 6, "eight": 8,
    "acht": 8, "ten": 10, "zehn": 10, "twelve": 12, "zwölf": 12, "zwoelf": 12,
}  # fmt: skip
_COUNT = rf"(?P<n>\d+(?:[.,]5)?|{'|'.join(_COUNT_WORDS)})"
_DURATION_COUNT = rf"(?P<n>\d+(?:[.,]5)?|{'|'.join(w for w in _COUNT_WORDS if w not in ('a', 'an'))})"
_DURATION = re.compile(
    rf"\b(?:(?P<low>\d+)\s*(?:-|–|to|bis)\s*)?{_DURATION_COUNT}\s*(?P<unit>working\s+days?|arbeitstagen?|werktagen?|weeks?|wochen?|months?|monaten?|monate|days?|tagen?)\b",
    re.IGNORECASE,
)
_DURATION_UNITS = (("working", "working_days"), ("arbeit", "working_days"), ("werk", "working_days"),
                   ("week", "weeks"), ("woche", "weeks"), ("month", "months"), ("monat", "months"),
                   ("day", "days"), ("tag", "days"))  # fmt: skip
_CHILDREN = re.compile(rf"\b{_COUNT}\s+(?:children|kids|kinder(?:n)?|sons|daughters)\b", re.IGNORECASE)
_ONE_CHILD = re.compile(r"\b(?:a|one|ein|einem|unser|our)\s+(?:child|kind|son|daughter|sohn|tochter|baby)\b", re.I)
_SPOUSE = re.compile(r"\b(?:wife|husband|spouse|ehefrau|ehemann|ehepartner(?:in)?|frau|mann)\b", re.IGNORECASE)
_ORIGIN = re.compile(
    r"\b(?:from|aus|comes?\s+from|kommt\s+aus|citizen\s+of|national\s+of|in)\s+(?:the\s+|der\s+|dem\s+|den\s+|die\s+)?"
    r"(?P<place>[A-ZÄÖÜ][\w'’-]+(?:\s+[A-ZÄÖÜ][\w'’-]+)?)"
)
# "IHK Hannover", "Welcome Center in Hannover", "Ausländerbehörde der Region Hannover" name no workplace.
_NOT_WORKPLACE = re.compile(
    r"(ihk|hwk|kammer|region|center|centre|behörde|behoerde|office|agentur|agency|amt)(\s+\w+)?\s*$", re.IGNORECASE
)
_SENTENCE = re.compile(r"(?<=[?!.:])\s+|\n+")
_SECOND_QUESTION = re.compile(
    r",?\s+(?:and|und|also|außerdem|ausserdem|plus)\s+(?=(?:how|what|who|when|where|which|do|does|is|are|can|must|"
    r"wie|was|wer|wann|wo|welche[rsnm]?|gibt|kann|können|muss|müssen|brauch\w*)\b)",
    re.IGNORECASE,
)
# "We are a bakery in Garbsen, can we use the procedure": a verb before its subject after a comma starts a question
_QUESTION_AFTER_COMMA = re.compile(
    r",\s+(?=(?:can|could|do|does|must|should|will|would|may|kann|können|koennen|muss|müssen|muessen|darf|dürfen|"
    r"duerfen|brauchen|gilt|gibt)\s+(?:we|i|you|they|he|she|it|wir|ich|sie|er|man|es|das|der|die)\b)",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(?:how|what|who|when|where|which|why|do|does|did|is|are|can|could|must|should|will|would|wie|was|wer|wann|"
    r"wo|welche[rsnm]?|warum|gibt|kann|können|muss|müssen|brauch\w*|darf|dürfen|ist|sind|stimmt|reicht)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Salary:
    annual: Decimal
    monthly: Optional[Decimal] = None  # as typed, when the message named a monthly amount


@dataclass(frozen=True)
class Figure:
    """An amount or duration the message states, e.g. a claim to check: (75, "EUR"), (2, "weeks"),
    or a range (4, "weeks", low=... ) for "4-8 weeks": value 8, low 4."""

    value: Decimal
    unit: str  # EUR | weeks | months | days | working_days
    low: Optional[Decimal] = None
    at: int = field(default=-1, compare=False)  # where the message states it

    def covers(self, value: Decimal) -> bool:
        return self.low <= value <= self.value if self.low is not None else value == self.value


@dataclass(frozen=True)
class Context:
    business_type: Optional[str] = None  # craft | industry_trade | neither
    municipality: Optional[str] = None  # id in bot/knowledge/municipalities.yml
    occupation: Optional[str] = None  # as the user wrote it
    occupation_group: Optional[str] = None  # id in bot/knowledge/recognition_bodies.yml
    nationality: Optional[str] = None  # ISO 3166-1 alpha-2
    age: Optional[int] = None
    salary: Optional[Salary] = None
    qualification: Optional[str] = None  # vocational | university
    family_members: Optional[int] = None
    family: bool = False
    over_45: Optional[bool] = None  # said in an earlier message ("he is 52") when this one names no age


@dataclass(frozen=True)
class Reading:
    context: Context
    figures: tuple[Figure, ...] = ()
    claim: bool = False  # reports what someone said or read, or asks to confirm it
    asks_about_figure: bool = False  # a yes/no question names the figure ("Is it 411 euros each?")
    questions: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return document


def claim_subjects() -> dict[str, list[str]]:
    """fact -> words that say a claimed figure is about it (words.yml ``claim_subjects``), in their order."""
    subjects: dict[str, list[str]] = _words()["claim_subjects"]
    return subjects


def fee_cues(kind: str) -> list[str]:
    """Regular expressions (on folded text) of a question about the fee: ``refund`` or ``debtor``."""
    cues: list[str] = _words()[f"fee_{kind}"]
    return cues


def asks_to_register_a_case(text: str) -> bool:
    """ "Bitte den Fall für unsere Pflegekraft anmelden", "open a case for two nurses": a request for the intake."""
    folded = fold(text)
    return any(re.search(cue, folded) for cue in word_list("register_case"))


def general_question_topic(question: str) -> Optional[str]:
    """ "What does it cost?", "Wie lange dauert das?": a question that names no subject of its own, and the
    intent of the overview that answers it (words.yml ``general_questions``)."""
    folded = fold(question).strip(" ?!.")
    general: dict[str, dict[str, list[str]]] = _words()["general_questions"]
    return next(
        (intent for intent, entry in general.items() if any(re.fullmatch(p, folded) for p in entry["asks"])), None
    )


def covered_by(intent: str) -> list[str]:
    """The intents whose answer already answers a general question for ``intent`` (words.yml)."""
    general: dict[str, dict[str, list[str]]] = _words()["general_questions"]
    return general[intent]["covered_by"]


def word_list(name: str) -> list[str]:
    """A list of words.yml (regular expressions on folded text)."""
    words: list[str] = _words()[name]
    return words


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def _contains(folded: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", folded) is not None


def _first_listed(folded: str, table: dict[str, list[str]]) -> Optional[tuple[str, str]]:
    """(key, phrase) of the longest phrase of ``table`` in the text."""
    found = [(len(p), key, p) for key, phrases in table.items() for p in phrases if _contains(folded, fold(p))]
    return (max(found)[1], max(found)[2]) if found else None


def read_business_type(folded: str) -> Optional[str]:
    found = _first_listed(folded, _words()["business"])
    return found[0] if found else None


def read_occupation(text: str, folded: str) -> tuple[Optional[str], Optional[str]]:
    found = _first_listed(folded, _words()["occupations"])
    if found:
        return found[1], found[0]
    for word in re.findall(r"[^\W\d_][\w-]{5,}", text):
        group = occupation_group_for(word)
        if group:
            return word, group.id
    return None, None


def read_municipality(text: str) -> Optional[str]:
    for match in re.finditer(r"[^\W\d_][\w.-]+(?:\s+(?:a\.|am)\s+[\w.]+)?", text):
        if len(match.group(0)) < 4 or _NOT_WORKPLACE.search(text[: match.start()].rstrip()):
            continue
        found = match_municipality(match.group(0))
        if found.municipality and found.score >= 100:
            return found.municipality.id
    return None


def read_nationality(text: str, folded: str) -> Optional[str]:
    for match in _ORIGIN.finditer(text):
        place = match.group("place")
        if match_municipality(place).inside_region or normalise_name(place) in ("germany", "deutschland", "eu"):
            continue
        for candidate in (place, place.split()[0]):
            country = read_country(candidate)
            if country and country != "DE":
                return country
    return _adjective_nationality(folded)


def _adjective_nationality(folded: str) -> Optional[str]:
    """ "ägyptische", "tunesischen", "Filipino": an adjective or its inflected form (two letters more)."""
    for word in re.findall(r"[a-z]{4,}", folded):
        for code, adjectives in _words()["nationality_adjectives"].items():
            if any(word.startswith(adjective) and len(word) - len(adjective) <= 2 for adjective in adjectives):
                return str(code)
    return None


_AGE_GROUP = re.compile(r"(über|ueber|ab|over|from|unter|under|bis)\s*$", re.IGNORECASE)  # "über 45-Jährige"
# "Senior engineer, 53, Blue Card ...", "Schweißer aus Georgien (51)", "Elektroniker aus Indien, 47 Jahre, kam ..."
_AGE_APPOSITION = re.compile(
    r"\b(?P<word>[^\W\d_][\w-]+)(?:,\s*(?P<b>\d{2})\s*,|\s*\(\s*(?P<a>\d{2})\s*(?:jahre|j\.|years?|y/?o)?\s*\)"
    r"|,\s*(?P<c>\d{2})\s+(?:jahre|years)(?=\s*(?:[,;.)]|$)))",
    re.IGNORECASE,
)
_DURATION_WORD = re.compile(r"erfahrung|experience|ausbildung|training|studium|studies|vertrag|contract", re.IGNORECASE)


def read_age(text: str) -> Optional[int]:
    for match in (*_AGE.finditer(text), *_AGE_APPOSITION.finditer(text)):
        groups = match.groupdict()
        if _DURATION_WORD.search(groups.get("word") or ""):  # "Berufserfahrung, 12 Jahre."
            continue
        number = next(name for name in ("a", "b", "c") if groups.get(name))
        age = int(groups[number])
        if age in AGES and not _AGE_GROUP.search(text[: match.start(number)]):  # not "über 45-Jährige"
            return age
    return None


def _money_spans(text: str) -> list[tuple[Decimal, int, int]]:
    """Every amount in euros with its start and end position."""
    amounts = []
    for match in _MONEY.finditer(text):
        number = match.group("a") or match.group("b") or match.group("c")
        thousands = match.group("ak") or match.group("bk") or match.group("ck")
        amount = parse_amount(number)
        if amount is None:
            continue
        amounts.append((amount * 1000 if thousands else amount, match.start(), match.end()))
    return amounts


def read_salary(text: str) -> Optional[Salary]:
    """The asker's salary: the first amount large enough, one in a sentence reporting someone else's figure
    ("a guide says the threshold is 45,300 €") only when there is no other."""
    amounts = [
        (amount, end)
        for amount, start, end in _money_spans(text) + _plain_salaries(text)
        if amount >= SALARY_FLOOR and not _is_no_pay(text, start, end)
    ]
    if not amounts:
        return None
    amount, end = min(amounts, key=lambda found: _in_reported_sentence(text, found[1]))
    after = text[end : end + _MONTH_WINDOW]
    monthly = _MONTHLY.search(after) is not None or (amount < HIGHEST_MONTHLY and not _YEARLY.search(after))
    return Salary(amount * MONTHS_PER_YEAR, amount) if monthly else Salary(amount)


_NO_PAY_WINDOW = 30  # characters: "koste bis zu 20.000 €", "€232,000 in pension assets"


def _is_no_pay(text: str, start: int, end: int) -> bool:
    words: dict[str, list[str]] = _words()["not_pay"]
    before = re.split(r"[.?!;]\s", fold(text[max(0, start - _NO_PAY_WINDOW) : start]))[-1]  # this sentence only
    after = re.split(r"[.?!;]\s", fold(text[end : end + _NO_PAY_WINDOW]))[0]
    return any(word in before for word in words["before"]) or any(word in after for word in words["after"])


def _in_reported_sentence(text: str, position: int) -> bool:
    starts = [0, *(match.end() for match in _SENTENCE.finditer(text) if match.end() <= position)]
    following = _SENTENCE.search(text, position)
    sentence = fold(f" {text[max(starts) : following.start() if following else len(text)]} ")
    return any(word in sentence for word in word_list("reported_sources"))


def _plain_salaries(text: str) -> list[tuple[Decimal, int, int]]:
    """Amounts without a currency that the words before them make a salary ("earns 3,500"), not a year."""
    found = []
    for match in _PLAIN_NUMBER.finditer(text):
        amount = parse_amount(match.group(1))
        if amount is None or _A_YEAR.fullmatch(match.group(1)) or not _PAY_WORDS.search(text[: match.start()]):
            continue
        found.append((amount, match.start(), match.end()))
    return found


_EXPERIENCE_SPAN = re.compile(
    rf"\b{_DURATION_COUNT}\s*(?P<unit>jahren?|jahre|years?|monaten?|monate|months?)\b", re.IGNORECASE
)
_EXPERIENCE_WORD = re.compile(r"erfahrung|experience|gearbeitet|worked|working as|arbeitet seit|im beruf", re.I)
_EXPERIENCE_WINDOW = 45  # characters around "3 years" in which "experience" or "worked" must stand
# "drei Jahre Ausbildung und sechs Jahre Berufserfahrung": the first duration is the training's, not the experience's
_OTHER_DURATION = re.compile(
    r"\s*(?:of\s+|in\s+der\s+|im\s+)?(?:\w+\s+)?(?:ausbildung|lehre|studium|schule|training|apprenticeship|studies|"
    r"degree|diploma|course|kurs|alt\b|old\b)",
    re.IGNORECASE,
)


def read_experience(text: str) -> Optional[tuple[Decimal, str]]:
    """The worker's professional experience as the message states it: ("20 months of professional
    experience") -> (20, "months"); "drei Jahre Berufserfahrung" -> (3, "years")."""
    for match in _EXPERIENCE_SPAN.finditer(text):
        around = text[max(0, match.start() - _EXPERIENCE_WINDOW) : match.end() + _EXPERIENCE_WINDOW]
        if not _EXPERIENCE_WORD.search(around) or _AGE.match(text, match.start()):
            continue
        if _OTHER_DURATION.match(text, match.end()):
            continue
        count = match.group("n").lower()
        value = Decimal(_COUNT_WORDS[count]) if count in _COUNT_WORDS else parse_amount(count)
        if value is not None:
            return value, "months" if fold(match.group("unit")).startswith(("month", "monat")) else "years"
    return None


def read_figures(text: str) -> tuple[Figure, ...]:
    fees = [Figure(amount, "EUR", at=start) for amount, start, _ in _money_spans(text) if amount < SALARY_FLOOR]
    durations = []
    for match in _DURATION.finditer(text):
        count = match.group("n").lower()
        value = Decimal(_COUNT_WORDS[count]) if count in _COUNT_WORDS else parse_amount(count)
        unit = next(name for prefix, name in _DURATION_UNITS if fold(match.group("unit")).startswith(prefix))
        low = Decimal(match.group("low")) if match.group("low") else None
        if value is not None and not _AGE.match(text, match.start()):
            low = low if low is not None and low < value else None
            durations.append(Figure(value, unit, low, at=match.start()))
    return tuple(fees + durations)


def read_qualification(folded: str) -> Optional[str]:
    found = _first_listed(folded, _words()["qualification"])
    return found[0] if found else None


def read_family(text: str, folded: str) -> tuple[bool, Optional[int]]:
    mentioned = any(_contains(folded, fold(word)) for word in _words()["family"])
    children = _CHILDREN.search(text)
    count = 0
    if children:
        number = children.group("n").lower()
        count += _COUNT_WORDS.get(number) or int(parse_amount(number) or 0)
    elif _ONE_CHILD.search(text):
        count += 1
    if _SPOUSE.search(text) and mentioned:
        count += 1
    return mentioned, (count or None)


def is_claim(folded: str) -> bool:
    return any(marker in folded for marker in _words()["claim_markers"])


def split_questions(text: str) -> tuple[str, ...]:
    """The questions of a message, in order: "What does it cost? And how long does it take?" gives two."""
    sentences = [
        part.strip()
        for chunk in _SENTENCE.split(text)
        for clause in _QUESTION_AFTER_COMMA.split(chunk)
        for part in _SECOND_QUESTION.split(clause)
    ]
    questions = [s for s in sentences if s and (s.endswith("?") or _QUESTION_START.match(s))]
    return tuple(questions)


def read_context(text: str) -> Context:
    folded = fold(text)
    occupation, group = read_occupation(text, folded)
    family, members = read_family(text, folded)
    return Context(
        business_type=read_business_type(folded),
        municipality=read_municipality(text),
        occupation=occupation,
        occupation_group=group,
        nationality=read_nationality(text, folded),
        age=read_age(text),
        salary=read_salary(text),
        qualification=read_qualification(folded),
        family_members=members,
        family=family,
    )


_YES_NO_QUESTION = re.compile(
    r"^(?:(?:and|und|so|also)\s+)?(?:is|are|does|do|will|ist|sind|stimmt|dauert|kostet|beträgt|betraegt|gilt|bleibt)\b",
    re.IGNORECASE,
)


# "the 411 euros", "die 411 Euro": a figure after a definite article is the asker's premise, not what is asked
_GIVEN_BEFORE = re.compile(r"\b(?:the|these|those|this|die|der|den|dem|des|diese[nrms]?)\s+$", re.IGNORECASE)


def is_premise(text: str, figure: Figure) -> bool:
    """Whether the message takes the figure as given ("Do we pay the 411 euro fee again for each family
    member?") instead of asking about it ("Is the fee 411 euros?")."""
    return figure.at > 0 and bool(_GIVEN_BEFORE.search(text[: figure.at]))


def asks_about_figure(questions: tuple[str, ...]) -> bool:
    return any(_YES_NO_QUESTION.match(question) and read_figures(question) for question in questions)


def read_message(text: str) -> Reading:
    questions = split_questions(text)
    return Reading(
        context=read_context(text),
        figures=read_figures(text),
        claim=is_claim(fold(text)),
        asks_about_figure=asks_about_figure(questions),
        questions=questions,
    )
