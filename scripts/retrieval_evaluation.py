"""Measures the fallback's topic retrieval on held-out messages: top-1/top-3 accuracy on answer-topic
questions and, per margin between the first and second topic, how many are answered right or wrong and how many messages
of other intents (greetings, out of scope, ...) would be answered by mistake.

Usage: PYTHONPATH=. .venv-rasa/bin/python scripts/retrieval_evaluation.py [--method bm25|tfidf] [--language de]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.answers import templates  # noqa: E402
from bot.understanding.retrieval import (  # noqa: E402
    TRAINING_FILES,
    Bm25Index,
    Hit,
    answer_intents,
    is_confident,
    read_examples,
)

MARGINS = (0.1, 0.2, 0.3, 0.4)


class TfidfIndex:
    """Character n-gram TF-IDF (2-5, within words), one document per intent, cosine: the measured alternative."""

    def __init__(self, examples: list[tuple[str, str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        documents: dict[str, list[str]] = {}
        for text, intent in examples:
            documents.setdefault(intent, []).append(text)
        self._intents = list(documents)
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)
        self._matrix = self._vectorizer.fit_transform([" ".join(texts) for texts in documents.values()])

    def rank(self, text: str, limit: int = 5) -> list[Hit]:
        similarities = (self._matrix @ self._vectorizer.transform([text]).T).toarray().ravel()
        ranked = sorted(zip(self._intents, similarities), key=lambda item: -item[1])[:limit]
        return [Hit(intent, round(float(score), 4)) for intent, score in ranked if score > 0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--method", choices=("bm25", "tfidf"), default="bm25")
    parser.add_argument("--language", choices=("de", "en"), action="append")
    args = parser.parse_args()
    topics = answer_intents(templates().topics)
    examples = read_examples(TRAINING_FILES, topics)
    index = Bm25Index(examples) if args.method == "bm25" else TfidfIndex(examples)
    for language in args.language or ("de", "en"):
        held_out = read_examples([REPO / "tests" / "nlu" / f"{language}.yml"])
        report(language, args.method, index, held_out, topics)
    return 0


def report(language: str, method: str, index, held_out: list[tuple[str, str]], topics: set[str]) -> None:
    in_topic = [(text, intent) for text, intent in held_out if intent in topics]
    others = [(text, intent) for text, intent in held_out if intent not in topics]
    ranked = [(index.rank(text, 3), intent) for text, intent in in_topic]
    top1 = sum(1 for hits, intent in ranked if hits and hits[0].intent == intent) / len(ranked)
    top3 = sum(1 for hits, intent in ranked if intent in [hit.intent for hit in hits]) / len(ranked)
    print(f"{method} {language}: {len(in_topic)} topic questions, top-1 {top1:.3f}, top-3 {top3:.3f}")
    other_hits = [index.rank(text, 3) for text, _ in others]
    for margin in MARGINS:
        answered = [(hits, intent) for hits, intent in ranked if is_confident(hits, margin)]
        right = sum(1 for hits, intent in answered if hits[0].intent == intent)
        stray = sum(1 for hits in other_hits if is_confident(hits, margin))
        print(
            f"  margin {margin}: answered right {right / len(ranked):.3f}, wrong {(len(answered) - right) / len(ranked):.3f};"
            f" messages of other intents answered {stray}/{len(others)}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
