"""Which residence title a question is about, so "which title does a welder with recognised training get?"
is answered with § 18a and not with the list of all titles (bot/knowledge/answers.yml, topic residence_title)."""

from __future__ import annotations

import re
from typing import Optional

from bot.understanding.reading import Reading, fold

# (title, pattern on folded text), the more specific first; the ids are the `when` values of answers.yml.
NAMED_TITLES = (
    ("16d", r"anerkennungspartnerschaft|recognition partnership|16 ?d\b"),
    ("chancenkarte", r"chancenkarte|opportunity card|20 ?a\b"),
    ("19c2", r"berufserfahren|19 ?c|erfahrungssaeule|experience route|experienced worker"),
    ("it_specialist", r"\bit\b.{0,40}(ohne|without) (\w+ )?(studium|abschluss|degree)"),
    ("blue_card", r"blue[\s-]*card|blau\w*[\s-]*karte|18 ?g\b"),
    (
        "16a",
        r"\bazubi|auszubildend|ausbildungsvisum|apprentic|trainee|16 ?a\b|(vertrag|contract) (fuer|for) (eine |an )?ausbildung",
    ),
    ("18b", r"18 ?b\b"),
    ("18a", r"18 ?a\b"),
    # What the two titles do, said without their names; last, so "Blaue Karte ohne Anerkennung?" stays the Blue Card
    (
        "16d",
        r"anerkennung (\w+ ){0,3}(erst |dann )?(hier|in deutschland|nach der einreise) nach(holen|zuholen)"
        r"|(come|enter|arrive) first (\w+ ){0,6}recognition|recognition (\w+ ){0,3}after (entry|arrival)",
    ),
    (
        "19c2",
        r"(ohne|keine?n?|statt|sparen|spart|nicht mehr) (\w+ ){0,2}(anerkennung|anerkennungsverfahren)\b"
        r"|(skip|without|no|instead of) (\w+ ){0,2}recognition\b",
    ),
)
_NEGATED = r"(nicht|kein\w*|ohne|not|no|without)( die| eine| the| a)? "
BY_QUALIFICATION = {"vocational": "18a", "university": "18b"}


def title_asked_about(message: str, reading: Reading) -> Optional[str]:
    """The title the message names (unless it rules it out: "not Blue Card I guess"), else the one its
    worker's qualification leads to; None when neither says."""
    folded = fold(message)
    for title, pattern in NAMED_TITLES:
        found = re.search(pattern, folded)
        if found and not ruled_out(folded, found.start()):
            return title
    return BY_QUALIFICATION.get(reading.context.qualification or "")


def ruled_out(message: str, start: int) -> bool:
    """Whether the words just before a title named at ``start`` rule it out ("ohne Blaue Karte")."""
    return bool(re.search(_NEGATED + r"$", fold(message[:start])))
