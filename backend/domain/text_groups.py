"""Grouping short questions by similarity of their character trigrams (Jaccard), so that an editor
sees "wie lange dauert das visum" and "Wie lange dauert das Visum?" as one gap."""

import re
from collections import Counter
from dataclasses import dataclass

SIMILAR = 0.5  # share of common trigrams from which two texts count as the same question
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class TextGroup:
    example: str  # the group's most frequent wording
    count: int


def normalised(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def trigrams(text: str) -> frozenset[str]:
    padded = f"  {normalised(text)} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 1.0


def group_texts(texts: list[str], limit: int = 10) -> list[TextGroup]:
    """Groups texts greedily (most frequent wordings first), the largest groups first."""
    wordings = Counter(texts)
    groups: list[tuple[frozenset[str], Counter[str]]] = []
    for wording, count in sorted(wordings.items(), key=lambda pair: (-pair[1], pair[0])):
        grams = trigrams(wording)
        home = next((members for seed, members in groups if similarity(seed, grams) >= SIMILAR), None)
        if home is None:
            groups.append((grams, Counter({wording: count})))
        else:
            home[wording] += count
    found = [TextGroup(members.most_common(1)[0][0], sum(members.values())) for _, members in groups]
    return sorted(found, key=lambda group: (-group.count, group.example))[:limit]
