"""The part of a message that carries the question, without the greeting before it and the thanks after it.

Real questions come framed like forum posts ("Hallo zusammen, … Danke im Voraus!"); the frame says nothing
about the case but pulls a classifier towards "greet" or "thank". The NLU reads only the core; a message
that is nothing but a frame ("Hallo!", "Danke") or whose core asks nothing (an introduction) stays whole. Patterns: framing.yml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

FRAMING_FILE = Path(__file__).with_name("framing.yml")
_SEPARATOR = r"[\s,;:.!\-–—)]*"
_MIN_CORE_LETTERS = 3
# Only a core that asks something loses its frame: "Guten Tag, hier ist Frau Schulte von der Bäckerei" is a greeting.
_ASKS = re.compile(
    r"\?|\b(?:wie|was|wer|wann|wo|wohin|welche\w*|warum|wieso|weshalb|kann|kannst|können|koennen|darf|dürfen|"
    r"duerfen|muss|müssen|muessen|brauch\w*|gibt es|geht das|how|what|who|when|where|which|why|can|could|may|must|"
    r"need|should)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    document = yaml.safe_load(FRAMING_FILE.read_text(encoding="utf-8"))

    def either(name: str) -> str:
        return "|".join(f"(?:{pattern})" for pattern in document[name])

    opening = re.compile(rf"\s*(?:{either('openings')})(?=[\s,;:.!\-–—)]|$){_SEPARATOR}", re.IGNORECASE)
    thanks = re.compile(rf"\s*(?:{either('thanks')}){_SEPARATOR}", re.IGNORECASE)
    part = f"{either('closings')}|{either('thanks')}"
    # "Vielen Dank im Voraus und viele Grüße, Anna"
    closing = re.compile(rf"\s*(?:{part})(?:[,;\s]+(?:und\s+|and\s+|&\s+)?(?:{part}))*{_SEPARATOR}", re.IGNORECASE)
    return opening, thanks, closing


def core_span(text: str) -> tuple[int, int]:
    """Start and end of the core in `text`; (0, len(text)) when there is no frame or nothing but a frame."""
    opening, thanks, closing = _patterns()
    start, end = 0, len(text)
    while (match := opening.match(text, start, end)) and match.end() > start:
        start = match.end()
    while (cut := _closing_start(text, start, end, thanks, closing)) is not None:
        end = cut
    core = text[start:end]
    if sum(char.isalpha() for char in core) < _MIN_CORE_LETTERS or not _ASKS.search(core):
        return 0, len(text)
    return start + (len(core) - len(core.lstrip())), start + len(core.rstrip())


def _closing_start(text: str, start: int, end: int, thanks: re.Pattern[str], closing: re.Pattern[str]) -> int | None:
    """Where a closing part that ends text[start:end] begins: after punctuation or a line break, or for thanks
    also after a word; the longest such part with no question mark in it."""
    for position in range(start + 1, end):
        before = text[position - 1]
        after_punctuation = before in ".!?,;:\n" or (
            before.isspace() and text[position - 2 : position - 1] in tuple(".!?,;:\n")
        )
        if not (after_punctuation or before.isspace()) or "?" in text[position:end]:
            continue
        pattern = closing if after_punctuation else thanks
        if pattern.fullmatch(text, position, end):
            return position
    return None


def core_text(text: str) -> str:
    start, end = core_span(text)
    return text[start:end]
