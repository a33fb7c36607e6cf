"""Questions the topic answers cannot serve — outside the remit (asylum and Duldung, tax, temporary agency
work, the spouse of a German citizen, social security, EU citizens, seasonal and helper jobs) or a special
case of it (Western Balkans, a complaint) — answered with the right rule or referral in the user's language.

The subjects and their texts are data (referrals.yml). A subject that takes the case out of the
accelerated procedure answers alone; one marked `alongside` is followed by the topic's own answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.answers import render_text
from bot.understanding.reading import fold

REFERRALS_FILE = Path(__file__).with_name("referrals.yml")
MOST_SUBJECTS = 2


@dataclass(frozen=True)
class Subject:
    id: str
    triggers: tuple[re.Pattern[str], ...]
    texts: dict[str, str]
    alongside: bool  # the topic's own answer still follows (a complaint is about something)
    case_work: bool  # a case check or intake asked with it may still go ahead

    def found_in(self, folded: str) -> bool:
        return any(trigger.search(folded) for trigger in self.triggers)


@dataclass(frozen=True)
class Referral:
    subjects: tuple[str, ...]
    paragraphs: tuple[str, ...]
    answers_alone: bool  # the message is no case for the procedure, so no topic answer follows


@lru_cache(maxsize=1)
def subjects() -> tuple[Subject, ...]:
    document: dict[str, Any] = yaml.safe_load(REFERRALS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Subject(
            id=name,
            triggers=tuple(re.compile(rf"(?<![\w-]){pattern}") for pattern in raw["triggers"]),
            texts={language: " ".join(str(raw[language]).split()) for language in ("de", "en")},
            alongside=bool(raw.get("alongside", False)),
            case_work=bool(raw.get("case_work", False)),
        )
        for name, raw in document["subjects"].items()
    )


def subjects_in(message: str) -> list[Subject]:
    folded = fold(message)
    return [subject for subject in subjects() if subject.found_in(folded)][:MOST_SUBJECTS]


def takes_the_case_out(message: str) -> bool:
    """True when a subject of the message puts it outside the procedure: its referral answers alone and no
    case check or intake can help."""
    return any(not (subject.alongside or subject.case_work) for subject in subjects_in(message))


def referral_for(message: str, language: str, day: date) -> Referral | None:
    """The referrals a message needs, in the user's language; None for a question inside the remit."""
    found = subjects_in(message)
    if not found:
        return None
    paragraphs = tuple(render_text(subject.texts, language, day).text for subject in found)
    alone = any(not subject.alongside for subject in found)
    return Referral(subjects=tuple(subject.id for subject in found), paragraphs=paragraphs, answers_alone=alone)
