"""Questions outside the remit (asylum and Duldung, tax, temporary agency work, the spouse of a German
citizen, social security, a complaint) answered with the right referral in the user's language.

The subjects and their texts are data (referrals.yml). A subject that takes the case out of the
accelerated procedure answers alone; a complaint is answered besides the topic it is about."""

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
# A complaint is about something: the topic's own answer still follows it.
ALONGSIDE_THE_TOPIC = frozenset({"complaint"})


@dataclass(frozen=True)
class Subject:
    id: str
    triggers: tuple[re.Pattern[str], ...]
    texts: dict[str, str]

    def found_in(self, folded: str) -> bool:
        return any(trigger.search(folded) for trigger in self.triggers)


@dataclass(frozen=True)
class Referral:
    subjects: tuple[str, ...]
    paragraphs: tuple[str, ...]

    @property
    def answers_alone(self) -> bool:
        """True when the message is no case for the procedure, so no topic answer follows."""
        return any(subject not in ALONGSIDE_THE_TOPIC for subject in self.subjects)


@lru_cache(maxsize=1)
def subjects() -> tuple[Subject, ...]:
    document: dict[str, Any] = yaml.safe_load(REFERRALS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Subject(
            id=name,
            triggers=tuple(re.compile(rf"(?<![\w-]){pattern}") for pattern in raw["triggers"]),
            texts={language: " ".join(str(raw[language]).split()) for language in ("de", "en")},
        )
        for name, raw in document["subjects"].items()
    )


def referral_for(message: str, language: str, day: date) -> Referral | None:
    """The referrals a message needs, in the user's language; None for a question inside the remit."""
    folded = fold(message)
    found = [subject for subject in subjects() if subject.found_in(folded)][:MOST_SUBJECTS]
    if not found:
        return None
    paragraphs = tuple(render_text(subject.texts, language, day).text for subject in found)
    return Referral(subjects=tuple(subject.id for subject in found), paragraphs=paragraphs)
