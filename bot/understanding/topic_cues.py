"""Answer topics taken only when the message names what they are about (bot/understanding/topic_cues.yml).

DIET learns a topic from its examples' words; a long real question shares the procedure's general words
with many topics ("beschleunigtes Verfahren", "Fachkraft") and may land on one whose subject it never
names. A listed topic without its cue is moved behind the others, so the next likely intent answers, or
the clarifying retrieval when nothing else is likely. The table test is tests/bot/test_topic_cues.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz.distance import DamerauLevenshtein

from bot.understanding.reading import asks_to_register_a_case, fold, split_questions
from bot.understanding.referrals import takes_the_case_out

CUES_FILE = Path(__file__).with_name("topic_cues.yml")
# A demoted intent keeps this share of its confidence, so it stays last in the ranking and below every
# fallback threshold (config.yml), but is still visible in the ranking for the clarifying buttons.
DEMOTED_SHARE = 0.1
PATH_FINDER, INTAKE = "start_pathfinder", "start_intake"


@dataclass(frozen=True)
class Ranked:
    name: str
    confidence: float


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    return document


@lru_cache(maxsize=1)
def cue_table() -> dict[str, tuple[re.Pattern[str], ...]]:
    return {intent: tuple(re.compile(p) for p in patterns) for intent, patterns in _document()["cues"].items()}


@dataclass(frozen=True)
class QuestionKinds:
    asks: dict[str, re.Pattern[str]]  # figure kind -> what a question asking for it says
    intents: dict[str, str]  # intent -> the figure kind its answer gives
    other_asks: re.Pattern[str]
    answer_no_figure: frozenset[str]


@lru_cache(maxsize=1)
def question_kinds() -> QuestionKinds:
    kinds: dict[str, Any] = _document()["question_kinds"]
    figures: dict[str, dict[str, Any]] = kinds["figures"]
    return QuestionKinds(
        asks={kind: re.compile(entry["asks"]) for kind, entry in figures.items()},
        intents={intent: kind for kind, entry in figures.items() for intent in entry["intents"]},
        other_asks=re.compile(kinds["other_asks"]),
        answer_no_figure=frozenset(kinds["answer_no_figure"]),
    )


def figures_asked(message: str) -> frozenset[str]:
    """The figure kinds ("money", "duration") the message's questions ask for, when they ask for nothing else."""
    questions = fold(" ".join(split_questions(message)) or message)
    kinds = question_kinds()
    if kinds.other_asks.search(questions):
        return frozenset()
    return frozenset(kind for kind, asks in kinds.asks.items() if asks.search(questions))


def answers_another_kind(intent: str, asked: frozenset[str]) -> bool:
    """Whether the intent's answer gives something else than the figures a question asks for."""
    if not asked:
        return False
    kinds = question_kinds()
    kind = kinds.intents.get(intent)
    return intent in kinds.answer_no_figure or (kind is not None and kind not in asked)


_PLAIN_WORD = _WORD = re.compile(r"[a-z]+")
FUZZY_MIN_LENGTH = 5  # shorter cue words ("kind", "alt") would match too many typos of other words


@lru_cache(maxsize=1)
def cue_words() -> dict[str, frozenset[str]]:
    """Each intent's cues that are one plain word or word stem ("vollmacht", "touris"), for typo matching."""
    return {
        intent: frozenset(
            alternative
            for pattern in patterns
            for alternative in top_level_alternatives(pattern.pattern)
            if _PLAIN_WORD.fullmatch(alternative) and len(alternative) >= FUZZY_MIN_LENGTH
        )
        for intent, patterns in cue_table().items()
    }


def top_level_alternatives(pattern: str) -> list[str]:
    """'touris|auf (deutsch|englisch)' -> ['touris', 'auf (deutsch|englisch)']: a word inside a group is no
    cue alone ('englisch' is one only after 'auf')."""
    alternatives, depth, start = [], 0, 0
    for position, char in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            alternatives.append(pattern[start:position])
            start = position + 1
    return [*alternatives, pattern[start:]]


def _near(stem: str, word: str) -> bool:
    """A word that starts with the stem but for one swapped, dropped, added or wrong letter."""
    return any(
        DamerauLevenshtein.distance(stem, word[: len(stem) + extra]) <= 1 for extra in (-1, 0, 1) if len(word) >= 4
    )


def names_its_subject(intent: str, message: str) -> bool:
    """True unless the intent is listed and the message names none of its cues, not even with a typo."""
    cues = cue_table().get(intent)
    if cues is None:
        return True
    folded = fold(message)
    if any(cue.search(folded) for cue in cues):
        return True
    words = _WORD.findall(folded)
    return any(_near(stem, word) for stem in cue_words()[intent] for word in words)


def fitting(intents: list[str], message: str) -> list[str]:
    """The intents whose subject the message names and whose answer gives the kind of figure it asks for."""
    asked = figures_asked(message)
    return [
        intent for intent in intents if names_its_subject(intent, message) and not answers_another_kind(intent, asked)
    ]


def rerank(message: str, ranking: list[Ranked]) -> list[Ranked]:
    """The ranking with listed intents whose cue the message lacks, or whose answer gives another kind of figure
    than the question asks for, moved to the end (their confidence scaled by DEMOTED_SHARE); "open a case for
    us" read as the path finder becomes the intake."""
    if message.startswith("/"):
        return ranking  # a button's payload names its intent
    ranking = _first_of_each([_intake_for_a_case(message, entry) for entry in ranking])
    no_case = takes_the_case_out(message)  # "my cousin has a Duldung, can we hire him?": its referral, no case work
    asked = figures_asked(message)
    takes = [
        entry
        for entry in ranking
        if names_its_subject(entry.name, message)
        and not (no_case and entry.name in CASE_WORK)
        and not answers_another_kind(entry.name, asked)
    ]
    demoted = [Ranked(e.name, e.confidence * DEMOTED_SHARE) for e in ranking if e not in takes]
    return takes + demoted


CASE_WORK = frozenset({PATH_FINDER, INTAKE})


def _first_of_each(ranking: list[Ranked]) -> list[Ranked]:
    first: dict[str, Ranked] = {}
    for entry in ranking:
        first.setdefault(entry.name, entry)
    return list(first.values())


def _intake_for_a_case(message: str, entry: Ranked) -> Ranked:
    if entry.name == PATH_FINDER and asks_to_register_a_case(message):
        return Ranked(INTAKE, entry.confidence)
    return entry
