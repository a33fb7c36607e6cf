"""A free-text line an analyst may read (answer feedback, an unanswered question) without the person
behind it: e-mail addresses, phone numbers, case references, link codes and web addresses become
markers; a line that may still name a person or a company is dropped whole.

"In doubt" means: a capitalised word outside Lotse's own vocabulary (the words of its answers, topic
titles, question training data and language hints), an introduction ("my name is", "ich heiße"), or
a greeting form of address (Herr, Frau, Mr, Ms). German capitalises every noun, so the vocabulary is
what tells "Visum" from "Schmidt"; a lower-case name that is not introduced is not caught."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional

import yaml

MAX_LENGTH = 300
EMAIL_MARK, PHONE_MARK, REFERENCE_MARK, LINK_MARK = "[e-mail]", "[phone]", "[reference]", "[link]"
_ROOT = Path(__file__).resolve().parent.parent
VOCABULARY_FILES = (
    _ROOT / "bot" / "function_words.yml",
    _ROOT / "bot" / "knowledge" / "answers.yml",
    _ROOT / "bot" / "intent_titles.yml",
    _ROOT / "bot" / "understanding" / "words.yml",
)
TRAINING_FILES = (_ROOT / "data" / "nlu" / "de.yml", _ROOT / "data" / "nlu" / "en.yml")
QUESTION_INTENT_PREFIX = "ask_"  # the intake's training data may hold sample names; the questions' do not

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_REFERENCE = re.compile(r"\bLT-\d{4}-[0-9A-Z]{6}\b", re.IGNORECASE)
_LINK_CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", re.IGNORECASE)
# Six or more digits, possibly grouped by spaces, slashes, dots, dashes or brackets, with an optional +.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s/().-]{0,2}\d){5,}")
_MARKS = re.compile("|".join(re.escape(mark) for mark in (EMAIL_MARK, PHONE_MARK, REFERENCE_MARK, LINK_MARK)))
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_INTRODUCTION = re.compile(
    r"\b(?:my name is|i am called|call me|this is|ich hei(?:ß|ss)e|mein name ist|hier ist|hier spricht)\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"\b(?:herr|herrn|frau|mr|mrs|ms|dr|prof)\b\.?", re.IGNORECASE)
_COMPANY_FORMS = re.compile(r"\b(?:gmbh|ag|kg|ohg|ug|e\.?\s?k\.?|gbr|ltd|inc|llc|co\.?)\b", re.IGNORECASE)


def scrub(line: Optional[str]) -> Optional[str]:
    """The line without contact data, or None when it is empty or may still identify someone."""
    if not line:
        return None
    text = " ".join(line.split())[:MAX_LENGTH]
    text = _EMAIL.sub(EMAIL_MARK, text)
    text = _URL.sub(LINK_MARK, text)
    text = _REFERENCE.sub(REFERENCE_MARK, text)
    text = _LINK_CODE.sub(REFERENCE_MARK, text)
    text = _PHONE.sub(PHONE_MARK, text)
    words = _WORD.findall(_MARKS.sub(" ", text))
    if _INTRODUCTION.search(text) or _ADDRESS.search(text) or _COMPANY_FORMS.search(text):
        return None
    if not words or any(_unknown_capitalised(word) for word in words):
        return None
    return text


def _unknown_capitalised(word: str) -> bool:
    return word[0].isupper() and _fold(word) not in vocabulary()


def _fold(word: str) -> str:
    return word.lower().strip("'’-").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    words: set[str] = set()
    for path in VOCABULARY_FILES:
        words.update(_fold(word) for word in _WORD.findall(" ".join(_strings(yaml.safe_load(path.read_text())))))
    for path in TRAINING_FILES:
        words.update(_fold(word) for word in _WORD.findall(" ".join(_question_examples(path))))
    return frozenset(words)


def _question_examples(path: Path) -> Iterator[str]:
    for block in yaml.safe_load(path.read_text()).get("nlu") or []:
        if str(block.get("intent", "")).startswith(QUESTION_INTENT_PREFIX):
            yield re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", str(block.get("examples", "")))


def _strings(node: object) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
