"""Which language a conversation runs in: German or English, chosen offline.

Two lingua detectors: a wide one that recognises messages in languages Lotse does not speak,
and a German/English one that decides between the two it does speak.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml
from lingua import ConfidenceValue, Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED_LANGUAGES = ("de", "en")
# Key of the detection result in a parsed message (set by the NLU tokenizer).
LANGUAGE_DETECTION = "language_detection"
DEFAULT_LANGUAGE = "de"
SWITCH_LANGUAGE_INTENT = "switch_language"

_SPOKEN = (Language.GERMAN, Language.ENGLISH)
_OTHERS = (
    Language.ARABIC,
    Language.FRENCH,
    Language.ITALIAN,
    Language.PERSIAN,
    Language.POLISH,
    Language.PORTUGUESE,
    Language.ROMANIAN,
    Language.RUSSIAN,
    Language.SPANISH,
    Language.TURKISH,
    Language.UKRAINIAN,
)
HINTS_FILE = Path(__file__).with_name("language_hints.yml")
FUNCTION_WORDS_FILE = Path(__file__).with_name("function_words.yml")
# A sentence whose function words are this clearly in one language is in that language, whatever
# German place, authority or procedure names it contains.
MIN_FUNCTION_WORDS = 2
MIN_FUNCTION_WORD_SHARE = 0.65  # two to one
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_NOT_PROSE = re.compile(r"@|://|^www\.|^/|\.(de|com|org|net|eu|info)\b", re.IGNORECASE)
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")


@dataclass(frozen=True)
class LanguagePolicy:
    """When a detected language may change the conversation's language."""

    min_words: int = 4
    min_confidence: float = 0.9
    initial_min_confidence: float = 0.6  # a new conversation has no language to keep

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "LanguagePolicy":
        return cls(
            min_words=int(environ.get("LOTSE_LANGUAGE_MIN_WORDS", cls.min_words)),
            min_confidence=float(environ.get("LOTSE_LANGUAGE_MIN_CONFIDENCE", cls.min_confidence)),
            initial_min_confidence=float(
                environ.get("LOTSE_LANGUAGE_INITIAL_MIN_CONFIDENCE", cls.initial_min_confidence)
            ),
        )


@dataclass(frozen=True)
class Detection:
    """Result of looking at one message."""

    language: Optional[str]  # ISO 639-1 of the best supported language, None if no letters
    confidence: float  # of `language` against the other supported language
    words: int
    foreign_language: Optional[str] = None  # set when the message is in an unsupported language
    foreign_confidence: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "confidence": round(self.confidence, 4),
            "words": self.words,
            "foreign_language": self.foreign_language,
            "foreign_confidence": round(self.foreign_confidence, 4),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Detection":
        return cls(
            language=data.get("language"),
            confidence=float(data.get("confidence") or 0.0),
            words=int(data.get("words") or 0),
            foreign_language=data.get("foreign_language"),
            foreign_confidence=float(data.get("foreign_confidence") or 0.0),
        )


@lru_cache(maxsize=1)
def _spoken_detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_SPOKEN).with_preloaded_language_models().build()


@lru_cache(maxsize=1)
def _wide_detector() -> LanguageDetector:
    languages = _SPOKEN + _OTHERS
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def prose(text: str) -> str:
    """The text without e-mail addresses, links and payloads, which say nothing about the language."""
    return " ".join(token for token in text.split() if not _NOT_PROSE.search(token))


def count_words(text: str) -> int:
    return len(_WORD.findall(prose(text)))


def _iso(value: ConfidenceValue) -> str:
    return value.language.iso_code_639_1.name.lower()


def _is_non_latin(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and not any(_LATIN_LETTER.match(char) for char in letters)


@lru_cache(maxsize=1)
def _hints() -> dict[str, str]:
    document = yaml.safe_load(HINTS_FILE.read_text(encoding="utf-8"))
    return {word: language for language, words in document.items() for word in words}


def _hinted_language(text: str) -> Optional[str]:
    hinted = {_hints().get(word.lower()) for word in _WORD.findall(text)} - {None}
    return hinted.pop() if len(hinted) == 1 else None


@lru_cache(maxsize=1)
def _function_words_document() -> dict[str, list[str]]:
    document: dict[str, list[str]] = yaml.safe_load(FUNCTION_WORDS_FILE.read_text(encoding="utf-8"))
    return document


@lru_cache(maxsize=1)
def _function_words() -> dict[str, str]:
    return {word: language for language in SUPPORTED_LANGUAGES for word in _function_words_document()[language]}


def is_function_word(word: str) -> bool:
    return word.lower() in _function_words()


def without_german_names(text: str) -> str:
    """The text without German place, authority and procedure names, which say nothing about the language
    of the sentence around them ("zentralstelle or ausländerbehörde?? confused")."""
    stems = tuple(_function_words_document()["german_names"])
    kept = [word for word in text.split() if not word.lower().strip("?!.,;:()\"'„“").startswith(stems)]
    return " ".join(kept)


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()  # "IT", "BA", "ZAB" are no function words


def function_word_language(text: str) -> Optional[tuple[str, float]]:
    """The language of the sentence's function words and their share, when they clearly agree."""
    counts = {language: 0 for language in SUPPORTED_LANGUAGES}
    for word in re.findall(r"[^\W\d_]+", text):
        language = None if _is_acronym(word) else _function_words().get(word.lower())
        if language:
            counts[language] += 1
    best = max(counts, key=lambda language: counts[language])
    total = sum(counts.values())
    if counts[best] < MIN_FUNCTION_WORDS or counts[best] / total < MIN_FUNCTION_WORD_SHARE:
        return None
    return best, counts[best] / total


def detect(text: str, policy: LanguagePolicy = LanguagePolicy()) -> Detection:
    """Detects the message's language; `foreign_language` only when it is clearly neither DE nor EN."""
    text = prose(text)
    words = count_words(text)
    if words == 0:
        return Detection(language=None, confidence=0.0, words=0)
    hinted = _hinted_language(text) if words < policy.min_words else None
    if hinted:
        return Detection(language=hinted, confidence=1.0, words=words)
    by_function_words = function_word_language(text)
    if by_function_words:
        language, share = by_function_words
        detection = Detection(language=language, confidence=share, words=words)
    else:
        telling = without_german_names(text) if count_words(without_german_names(text)) >= 2 else text
        spoken = _spoken_detector().compute_language_confidence_values(telling)[0]
        detection = Detection(language=_iso(spoken), confidence=spoken.value, words=words)
    return _with_foreign_language(detection, text, policy)


def _with_foreign_language(detection: Detection, text: str, policy: LanguagePolicy) -> Detection:
    long_enough = detection.words >= policy.min_words or _is_non_latin(text)
    if not long_enough:
        return detection
    best = _wide_detector().compute_language_confidence_values(text)[0]
    iso = _iso(best)
    if iso in SUPPORTED_LANGUAGES or best.value < policy.min_confidence:
        return detection
    return Detection(
        language=detection.language,
        confidence=detection.confidence,
        words=detection.words,
        foreign_language=iso,
        foreign_confidence=best.value,
    )


def normalise_language(value: object) -> Optional[str]:
    """Maps channel locales such as 'de-DE' or 'en_GB' to 'de' / 'en'; anything else to None."""
    if not isinstance(value, str) or not value:
        return None
    prefix = value.replace("_", "-").split("-")[0].lower()
    return prefix if prefix in SUPPORTED_LANGUAGES else None


@dataclass(frozen=True)
class LanguageState:
    """What the conversation knows before this message."""

    current: Optional[str]
    last_channel_language: Optional[str]


def explicit_request(intent: Optional[str], named_language: object, current: Optional[str]) -> Optional[str]:
    """The language a `switch_language` message asks for: the one it names, else the other one."""
    if intent != SWITCH_LANGUAGE_INTENT:
        return None
    requested = normalise_language(named_language)
    if requested:
        return requested
    return next((language for language in SUPPORTED_LANGUAGES if language != current), None)


def choose_language(
    state: LanguageState,
    detection: Detection,
    channel_language: Optional[str],
    explicit_request: Optional[str],
    policy: LanguagePolicy = LanguagePolicy(),
) -> str:
    """The conversation's language after this message.

    An explicit request wins. Otherwise the channel's stated (new) language or the current one is
    kept unless this message is long and confidently in the other language; a conversation with
    neither takes the detected language.
    """
    requested = normalise_language(explicit_request)
    if requested:
        return requested
    channel = normalise_language(channel_language)
    base = state.current
    if channel and (state.current is None or channel != state.last_channel_language):
        base = channel
    if base is None:
        confident = detection.confidence >= policy.initial_min_confidence
        return detection.language if detection.language and confident else DEFAULT_LANGUAGE
    if _confident_switch(detection, policy):
        return detection.language or base
    return base


def _confident_switch(detection: Detection, policy: LanguagePolicy) -> bool:
    return (
        detection.foreign_language is None
        and detection.words >= policy.min_words
        and detection.confidence >= policy.min_confidence
    )


def is_foreign(detection: Detection) -> bool:
    return detection.foreign_language is not None


def language_from_tag(tag: Optional[str]) -> Optional[str]:
    """A channel's language tag as a supported language: 'de', 'de-DE', 'de_AT' → 'de'; 'en', 'en-GB' → 'en';
    anything else → None."""
    primary = (tag or "").replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in SUPPORTED_LANGUAGES else None
