"""Which answer topics a message is closest to, by the questions each topic was trained on.

The clarifying fallback asks this before it gives up: a confident match answers the topic, the
others become the buttons. Two scorers were measured on the held-out NLU sets (scripts/
retrieval_evaluation.py); BM25 over folded word stems is used. The index is built once per process.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TRAINING_FILES = (REPO / "data" / "nlu" / "de.yml", REPO / "data" / "nlu" / "en.yml")
_ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")
_TOKEN = re.compile(r"[a-z0-9§]+")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
STEM_LENGTH = 6  # "Anerkennungsverfahren" and "Anerkennung" share "anerke"; typos at the end do not matter

Example = tuple[str, str]  # (text, intent)


@dataclass(frozen=True)
class Hit:
    intent: str
    score: float  # 0..1: the best example's score relative to a perfect match of the message


def plain_text(annotated: str) -> str:
    """'in [Garbsen](municipality)' -> 'in Garbsen'."""
    return _ANNOTATION.sub(lambda match: match.group(1), annotated).strip()


def read_examples(paths: Iterable[Path], intents: set[str] | None = None) -> list[Example]:
    """The training examples of Rasa NLU files, optionally only of ``intents``."""
    examples: list[Example] = []
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu", []):
            intent = block.get("intent")
            if not intent or (intents is not None and intent not in intents):
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    examples.append((plain_text(text), intent))
    return examples


def fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def stems(text: str) -> list[str]:
    return [token[:STEM_LENGTH] for token in _TOKEN.findall(fold(text))]


class Bm25Index:
    """Okapi BM25 with one document per intent: all its training questions together. (Per example,
    the best example's score, was measured worse: top-1 0.78 against 0.93 on the held-out sets.)"""

    def __init__(self, examples: Sequence[Example], k1: float = 1.2, b: float = 0.75) -> None:
        documents: dict[str, Counter[str]] = defaultdict(Counter)
        for text, intent in examples:
            documents[intent].update(stems(text))
        self._intents = list(documents)
        self._documents = list(documents.values())
        self._lengths = [sum(document.values()) for document in self._documents]
        self._average = sum(self._lengths) / max(len(self._lengths), 1)
        self._k1, self._b = k1, b
        frequency: Counter[str] = Counter(term for document in self._documents for term in document)
        count = len(self._documents)
        self._idf = {term: math.log(1 + (count - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}

    def rank(self, text: str, limit: int = 5) -> list[Hit]:
        """The closest intents, best first; a score is relative to a perfect match of the message's terms."""
        terms = [term for term in dict.fromkeys(stems(text)) if term in self._idf]
        perfect = sum(self._idf[term] for term in terms) * (self._k1 + 1) or 1.0
        scores = [(intent, self._score(position, terms) / perfect) for position, intent in enumerate(self._intents)]
        ranked = sorted((item for item in scores if item[1] > 0), key=lambda item: -item[1])
        return [Hit(intent, round(score, 4)) for intent, score in ranked[:limit]]

    def _score(self, position: int, terms: list[str]) -> float:
        document, score = self._documents[position], 0.0
        norm = self._k1 * (1 - self._b + self._b * self._lengths[position] / self._average)
        for term in terms:
            tf = document.get(term, 0)
            if tf:
                score += self._idf[term] * tf * (self._k1 + 1) / (tf + norm)
        return score


def answer_intents(topics: Iterable[str]) -> set[str]:
    """The intents answered from the knowledge file (``ask_<topic>``)."""
    return {f"ask_{topic}" for topic in topics}


@lru_cache(maxsize=1)
def topic_index() -> Bm25Index:
    """The index over every intent's training questions, built once per process. Greetings, out-of-scope
    and the rest are indexed too, so a message closest to them is not answered with a topic (measured:
    0 of 100 held-out messages of other intents answered, against 32 with the topics alone)."""
    return Bm25Index(read_examples(TRAINING_FILES))


@lru_cache(maxsize=1)
def answerable_intents() -> frozenset[str]:
    """The intents answered from the knowledge file."""
    from bot.answers import templates

    return frozenset(answer_intents(templates().topics))


# A retrieval hit answers on its own when it is clearly ahead of the next topic (measured on the
# held-out sets: a margin of 0.3 answers about 60 % of the topic questions with at most 1 % wrong).
ANSWER_MIN_SCORE = 0.3
ANSWER_MIN_MARGIN = 0.3
CLARIFY_OPTIONS = 3


@dataclass(frozen=True)
class Decision:
    answer: str | None  # the intent to answer without asking, if any
    options: tuple[str, ...]  # the closest substantive intents, for the clarifying buttons
    closest: str | None = None  # an answer topic that is closest but not clearly so


def _margin(hits: Sequence[Hit]) -> float:
    if not hits or hits[0].score <= 0:
        return 0.0
    second = hits[1].score if len(hits) > 1 else 0.0
    return (hits[0].score - second) / hits[0].score


def is_confident(hits: Sequence[Hit], min_margin: float = ANSWER_MIN_MARGIN) -> bool:
    return bool(hits) and hits[0].score >= ANSWER_MIN_SCORE and _margin(hits) >= min_margin


def decide(
    hits: Sequence[Hit],
    nlu_ranking: Sequence[str],
    substantive: set[str],
    answerable: frozenset[str] | set[str],
    nlu_confidence: Mapping[str, float] | None = None,
) -> Decision:
    """Answer an answer topic when retrieval is confident about it or agrees with the NLU's best
    substantive guess; otherwise offer the closest substantive topics of both, alternating, best first.
    The closest topic weighs retrieval's scores with the NLU's confidences, when given."""
    nlu = [intent for intent in nlu_ranking if intent in substantive]
    retrieved = [hit.intent for hit in hits if hit.intent in substantive]
    best = hits[0].intent if hits else None
    agrees = best in answerable and bool(nlu) and best == nlu[0]
    if best in answerable and (agrees or is_confident(hits)):
        return Decision(best, ())
    merged = [intent for pair in zip(retrieved, nlu) for intent in pair] + retrieved + nlu
    closest_of = fused(hits, nlu_confidence) if nlu_confidence else hits
    return Decision(
        None, tuple(dict.fromkeys(merged))[:CLARIFY_OPTIONS], _closest_topic(closest_of, substantive, answerable)
    )


NLU_WEIGHT = 0.3  # of the NLU's confidence against retrieval's score, chosen on the dev split (docs/training.md)


def fused(hits: Sequence[Hit], nlu_confidence: Mapping[str, float]) -> list[Hit]:
    """Retrieval's hits ordered anew by their scores and the NLU's confidences, each relative to its best,
    weighed and summed: the NLU reorders what retrieval found, it adds nothing retrieval did not find."""
    best_score = max((hit.score for hit in hits), default=0.0) or 1.0
    best_confidence = max(nlu_confidence.values(), default=0.0) or 1.0
    scores = {
        hit.intent: (1 - NLU_WEIGHT) * hit.score / best_score
        + NLU_WEIGHT * nlu_confidence.get(hit.intent, 0.0) / best_confidence
        for hit in hits
    }
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    return [Hit(intent, round(score, 4)) for intent, score in ranked]


CLOSE_BEHIND = 0.8  # an answer topic this close behind the case check or registration is answered


def _closest_topic(hits: Sequence[Hit], substantive: set[str], answerable: frozenset[str] | set[str]) -> str | None:
    """The closest answer topic: the best hit, or one close behind a best hit that is the case check or
    the registration ("can we hire a doctor from Egypt through the accelerated procedure?")."""
    if not hits or hits[0].intent not in substantive:
        return None
    if hits[0].intent in answerable:
        return hits[0].intent
    behind = [hit for hit in hits[1:3] if hit.intent in answerable and hit.score >= CLOSE_BEHIND * hits[0].score]
    return behind[0].intent if behind else None


OTHER_QUESTION_MIN_MARGIN = 0.15  # the first question is answered anyway; a further one only adds


def other_question_intent(
    questions: Sequence[str], answered: str, answerable: frozenset[str] | set[str], index: Bm25Index | None = None
) -> str | None:
    """The answer topic of a further question in the message that differs from the one answered, if clear."""
    if len(questions) < 2:
        return None
    index = index or topic_index()
    for question in questions:
        hits = index.rank(question, 3)
        if hits and hits[0].intent not in (answered,) and hits[0].intent in answerable:
            if is_confident(hits, OTHER_QUESTION_MIN_MARGIN):
                return hits[0].intent
    return None
