"""The candidate's side of a case: finding the link code in a message and describing what a linked
candidate may see (the status and their own missing documents, nothing else of the employer's case).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from bot.checklist import all_items
from bot.language import is_function_word
from bot.texts import all_texts, text
from bot.reference import is_valid_link_code, normalise_link_code

# Three groups of four with one kind of separator (or none): "9F4K-2QXM-7TZA", "9f4k 2qxm 7tza".
_CODE_SHAPED = re.compile(r"(?<![0-9A-Za-z-])([0-9A-Za-z]{4})([ -]?)([0-9A-Za-z]{4})\2([0-9A-Za-z]{4})(?![0-9A-Za-z-])")
# Something meant as a code but not in its format: "X4RT-MQ7B", "12345", "ABCD-EFGH".
_ATTEMPT = re.compile(r"(?<![\w-])(?:(?=[\w-]*\d)[0-9A-Za-z-]{4,}|[0-9A-Z]{2,}(?:-[0-9A-Z]{2,})+)(?![\w-])")


class Found(enum.Enum):
    CODE = "code"  # in the link-code format; only the backend knows whether it is valid
    MALFORMED = "malformed"  # looks like an attempt, but cannot be a code
    NOTHING = "nothing"


@dataclass(frozen=True)
class CodeSearch:
    found: Found
    code: Optional[str] = None


def _is_deliberate(match: re.Match[str]) -> bool:
    """Plain words ("this code from") are not a code; a dash, a digit or capitals make it one, unless a group
    without a dash is a word: "seit 2023 eine", "have 2025 been". Right after "code" ("mein Code: 3wwn dass
    q85f") a digit is enough: a random code can have a group that is a word."""
    if match.group(2) == "-":
        return True
    if _AFTER_CODE_WORD.search(match.string[: match.start()]) and any(ch.isdigit() for ch in match.group(0)):
        return True
    if any(_is_a_word(group) for group in (match.group(1), match.group(3), match.group(4))):
        return False
    return any(ch.isdigit() for ch in match.group(0)) or match.group(0).isupper()


def _is_a_word(group: str) -> bool:
    """Letters only and either a function word or spelled with a letter no code has (I, L, O, U): a code
    group of letters only never needs the O/I/L repair, which is for digits read as letters."""
    return group.isalpha() and (bool(set(group.upper()) & _NOT_IN_CODES) or is_function_word(group))


_NOT_IN_CODES = set("ILOU")
_AFTER_CODE_WORD = re.compile(r"\bcode\s*(?:is|ist|lautet|:)?\s*:?\s*$", re.IGNORECASE)


def find_link_code(message: str) -> CodeSearch:
    for match in _CODE_SHAPED.finditer(message):
        code = normalise_link_code(match.group(0))
        if _is_deliberate(match) and is_valid_link_code(code):
            return CodeSearch(Found.CODE, code)
    if any(_is_deliberate(match) for match in _CODE_SHAPED.finditer(message)) or _ATTEMPT.search(message):
        return CodeSearch(Found.MALFORMED)
    return CodeSearch(Found.NOTHING)


@dataclass(frozen=True)
class MissingDocument:
    item: str
    state: str  # missing | needs_translation


@dataclass(frozen=True)
class CandidateView:
    """What the backend shows a linked candidate."""

    status: str
    missing_documents: Sequence[MissingDocument]


def status_text(status: str, language: str) -> str:
    """The status in the candidate's words; "waiting for the employer" is not "waiting for you" here."""
    messages = all_texts()
    for key in (f"candidate_status_{status}", f"status_{status}"):
        if key in messages:
            return text(key, language)
    return text("candidate_status_unknown", language)


def _document_line(document: MissingDocument, language: str) -> str:
    labels = {item.id: item.label(language) for item in all_items()}
    label = labels.get(document.item, document.item.replace("_", " "))
    if document.state == "needs_translation":
        return f"• {label} ({text('candidate_needs_translation', language)})"
    return f"• {label}"


def documents_text(view: CandidateView, language: str) -> str:
    if not view.missing_documents:
        return text("candidate_documents_complete", language)
    lines = [_document_line(document, language) for document in view.missing_documents]
    return text("candidate_documents_missing", language, items="\n".join(lines))
