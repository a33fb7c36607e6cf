"""Short answers to the assistant's own questions, read as people give them, in German and English:
"38" or "no, she is 38" to "is the candidate 45 or older?", "my wife and our two kids" or "niemand"
to "how many family members?", "no, that job is not regulated" to a yes/no question, a nationality
as an adjective or a noun ("ägyptisch", "Filipino", "indische", "Marokkaner"). Each reader returns
the canonical value or None when the answer does not say it."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml

from bot.case_fields import read_country

YES, NO = "yes", "no"
AGE_THRESHOLD = 45
AGES = range(15, 100)
NATIONALITIES_FILE = Path(__file__).with_name("nationalities.yml")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def _words(text: str) -> List[str]:
    return [word.replace("’", "'") for word in _WORD.findall(text.lower().translate(_UMLAUTS))]


# --- yes or no, also with a correction after it ("no, she is 38", "nein, nicht reglementiert")

_YES_WORDS = frozenset(
    "ja jaa jo jap japp jawohl jep yes yeah yea yep yup sure klar genau richtig stimmt korrekt correct "
    "right natuerlich sicher selbstverstaendlich definitely certainly absolutely indeed doch ok okay "
    "affirmative zutreffend".split()
)
_YES_PHRASES = ("of course", "auf jeden fall", "na klar", "that's right", "that is right", "no problem", "kein problem")
_NO_WORDS = frozenset("nein ne nee noe noep no nope nah nix never nie niemals keinesfalls negative".split())
_NEGATIONS = frozenset(
    "not nicht kein keine keinen keiner keines keinem never nie niemals no isn't isnt doesn't doesnt don't "
    "dont aren't arent wasn't wasnt won't wont hasn't hasnt haven't havent can't cant cannot weder neither".split()
)
# Saying one does not know is neither yes nor no: "I don't know", "keine Ahnung", "not sure".
_UNKNOWN = re.compile(
    r"\b(don'?t know|do not know|no idea|not sure|unsure|no clue|dunno|can'?t say|cannot say|hard to say|"
    r"(can'?t|cannot|don'?t|do not) remember|(weiss|wei) (ich )?nicht mehr|erinnere mich nicht|"
    r"weiss (ich )?nicht|kann ich nicht sagen|keine ahnung|"
    r"nicht sicher|unklar|unbekannt|vielleicht|maybe|perhaps|possibly|not yet known|noch nicht bekannt)\b"
)


def _first_yes_no(words: List[str]) -> Optional[str]:
    """A yes or no word among the first two; a yes followed by a negation ("stimmt nicht") is no."""
    for index, word in enumerate(words[:2]):
        if word in _YES_WORDS:
            following = words[index + 1] if index + 1 < len(words) else ""
            return NO if following in ("nicht", "not") else YES
        if word in _NO_WORDS:
            return NO
    return None


def _says_yes(lowered: str) -> bool:
    """A yes phrase with no negation besides the phrase itself ("no problem", but not "of course not")."""
    for phrase in _YES_PHRASES:
        if phrase in lowered and not any(word in _NEGATIONS for word in _words(lowered.replace(phrase, " "))):
            return True
    return False


def read_yes_no(text: str) -> Optional[str]:
    """ "yes"/"no" for an answer to a yes/no question: a yes or no word at the start decides ("no,
    she is 38", "ja, ist sie"); else a negation anywhere means no ("that job is not regulated",
    "er spricht kein Deutsch"); "I don't know" and statements without either are None."""
    lowered = text.lower().translate(_UMLAUTS)
    words = _words(text)
    if not words:
        return None
    if _UNKNOWN.search(lowered):
        return None
    if _says_yes(lowered):
        return YES
    first = _first_yes_no(words)
    if first:
        return first
    if any(word in _NEGATIONS for word in words):
        return NO
    return None


# --- age, for "is the candidate 45 or older?"

_NUMBER_WORDS = {
    **dict.fromkeys(("zero", "null", "none", "no", "kein", "keine", "keinen"), 0),
    **dict.fromkeys(("one", "a", "an", "ein", "eine", "einen", "einem", "einer", "eins"), 1),
    **dict.fromkeys(("two", "zwei", "zwo", "twins", "zwillinge", "both", "beide", "beiden", "couple", "pair"), 2),
    **dict.fromkeys(("three", "drei", "triplets", "drillinge"), 3),
    **dict.fromkeys(("four", "vier"), 4),
    **dict.fromkeys(("five", "fuenf"), 5),
    **dict.fromkeys(("six", "sechs"), 6),
    **dict.fromkeys(("seven", "sieben"), 7),
    **dict.fromkeys(("eight", "acht"), 8),
    **dict.fromkeys(("nine", "neun"), 9),
    **dict.fromkeys(("ten", "zehn"), 10),
}
_YOUNGER = r"under|below|younger than|less than|not yet|unter|juenger als|weniger als|noch nicht"
_OLDER = r"over|above|older than|more than|at least|ueber|aelter als|mehr als|mindestens"
_AGE_WITH_COMPARISON = re.compile(rf"\b(?P<side>{_YOUNGER}|{_OLDER})\s+(?P<age>\d{{2}})\b")
_AGE_IN_DECADE = re.compile(
    r"\b(?P<part>anfang|early|mitte|mid|ende|late)[\s-]*(?P<decade>[1-9]0)(?:s|er|ern|ies)?\b"
    r"|\b(?:in (?:his|her|their) )?(?P<plain>[1-9]0)(?:s|ern|er jahren)\b"
)
_DECADE_OFFSET = {"anfang": 2, "early": 2, "mitte": 5, "mid": 5, "ende": 8, "late": 8}
_AGE = re.compile(r"(?<![\d.,])(\d{2})(?![\d.,]\d)")


def read_age(text: str) -> Optional[int]:
    """An age named in a short answer ("38", "she is 52 years old", "Mitte 40"), or None."""
    lowered = text.lower().translate(_UMLAUTS)
    decade = _AGE_IN_DECADE.search(lowered)
    if decade and decade.group("part"):
        return int(decade.group("decade")) + _DECADE_OFFSET[decade.group("part").strip()]
    ages = [int(found) for found in _AGE.findall(lowered) if int(found) in AGES]
    return ages[0] if len(ages) == 1 else None


def read_age_45(text: str) -> Optional[str]:
    """ "yes"/"no" to "is the candidate 45 or older?": from an age ("38", "no, she is 38", "über 50",
    "late 40s") before a plain yes or no, since the number is what the person actually knows."""
    lowered = text.lower().translate(_UMLAUTS)
    compared = _AGE_WITH_COMPARISON.search(lowered)
    if compared:
        limit, younger = int(compared.group("age")), re.fullmatch(_YOUNGER, compared.group("side")) is not None
        if younger and limit <= AGE_THRESHOLD:
            return NO
        if not younger and limit >= AGE_THRESHOLD - 1:
            return YES
        return None
    decade = _AGE_IN_DECADE.search(lowered)
    if decade and decade.group("plain"):
        plain = int(decade.group("plain"))
        return None if plain == 40 else (YES if plain >= 50 else NO)
    age = read_age(text)
    if age is not None:
        return YES if age >= AGE_THRESHOLD else NO
    return read_yes_no(text)


# --- whether the candidate still lives abroad

_IN_GERMANY = re.compile(
    r"\b(?:already|bereits|schon|lives|living|wohnt|lebt)\b.*\b(?:in germany|in deutschland|here|hier)\b"
    r"|\b(?:in germany|in deutschland)\b"
)
_ABROAD = re.compile(
    r"\b(?:abroad|ausland|overseas|still in|noch in|in (?:his|her|their) home country|in der heimat)\b"
)


def read_abroad(text: str) -> Optional[str]:
    """ "yes"/"no" to "does the candidate still live abroad?": "she is already in Germany" is no,
    "still in India" is yes; otherwise a plain yes or no."""
    lowered = " ".join(_words(text))
    if _IN_GERMANY.search(lowered):
        return NO
    if _ABROAD.search(lowered):
        return YES
    return read_yes_no(text)


# --- how many family members come along

_PARTNERS = frozenset(
    "wife husband spouse partner fiance fiancee girlfriend boyfriend frau ehefrau mann ehemann gatte gattin "
    "ehepartner ehepartnerin partnerin lebenspartner lebenspartnerin lebensgefaehrte lebensgefaehrtin "
    "verlobte verlobter".split()
)
_ONE_CHILD = frozenset("child kid son daughter baby kind sohn tochter baby".split())
_CHILDREN = frozenset("children kids sons daughters kinder soehne toechter babys babies kindern".split())
_ARTICLES = frozenset(("a", "an", "ein", "eine", "einen", "einem", "einer"))
_NOBODY = re.compile(
    r"^(?:no|nein|none|nobody|no ?one|niemand|keine?r?|keinen|0|null|zero|nope|nee)\b"
    r"|\b(?:nobody|no ?one|niemand|none|alone|allein|alleine|on (?:his|her) own|single|ledig|by himself|"
    r"by herself|just (?:me|him|her|the candidate)|only (?:me|him|her|the candidate)|nur (?:ich|er|sie|die fachkraft)|"
    r"no family|keine familie|keine angehoerigen)\b"
)


def _children(words: List[str]) -> Iterator[Optional[int]]:
    """The number of children each child word stands for; None when it does not say how many."""
    for index, word in enumerate(words):
        before = words[index - 1] if index else ""
        if word in _ONE_CHILD:
            yield 1
        elif word in _CHILDREN:
            yield int(before) if before.isdigit() else _NUMBER_WORDS.get(before)
        elif word in ("twins", "zwillinge", "triplets", "drillinge"):
            yield _NUMBER_WORDS[word]


def read_family_count(text: str) -> Optional[int]:
    """How many family members come along: "my wife and our two kids" (3), "meine Frau und zwei
    Kinder" (3), "nobody comes along" / "niemand" (0), "2" or "zwei" (2). None for "the whole
    family" or "wife and kids", which do not say how many."""
    words = _words(text)
    if not words:
        return None
    partners = sum(1 for word in words if word in _PARTNERS)
    children = list(_children(words))
    if partners or children:
        return None if None in children else partners + sum(count for count in children if count is not None)
    lowered = " ".join(words)
    if _NOBODY.search(lowered):
        return 0
    numbers = [int(word) for word in words if word.isdigit()] or [
        _NUMBER_WORDS[word] for word in words if word in _NUMBER_WORDS and word not in _ARTICLES
    ]
    return numbers[0] if len(numbers) == 1 and numbers[0] <= 20 else None


# --- nationality as an adjective or a noun for a person

_GERMAN_ENDINGS = ("innen", "in", "en", "em", "er", "es", "e", "s")


@lru_cache(maxsize=1)
def _nationality_words() -> Dict[str, str]:
    table: Dict[str, List[str]] = yaml.safe_load(NATIONALITIES_FILE.read_text(encoding="utf-8"))
    return {" ".join(_words(word)): code for code, words in table.items() for word in words}


def _forms(word: str) -> Iterator[str]:
    """The word and its possible base forms: "indische" → "indisch", "Ägypterin" → "aegypter",
    "Türkin" → "tuerke"."""
    yield word
    for ending in _GERMAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            yield stem
            if ending in ("in", "innen"):
                yield stem + "e"


def find_nationality(text: str) -> Optional[str]:
    """The ISO code of the first nationality adjective or noun in the text ("she is Egyptian",
    "ein indischer Koch"), or None. Two-word forms ("south korean", "sri lankan") come first."""
    words, known = _words(text), _nationality_words()
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            for form in _forms(phrase):
                if form in known:
                    return known[form]
    return None


def read_nationality(text: str) -> Optional[str]:
    """The candidate's nationality as an ISO code: an adjective or noun ("ägyptisch", "Filipino",
    "Marokkaner") or the country's name in German or English ("Tunesien", "from India")."""
    return find_nationality(text) or read_country(text)
