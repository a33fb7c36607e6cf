"""Which residence title a question is about (bot/understanding/titles.py)."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.understanding.reading import read_message
from bot.understanding.titles import title_asked_about


@pytest.mark.parametrize(
    ("message", "title"),
    [
        (
            "Which residence title does a welder with a recognised vocational training get? Not Blue Card I guess?",
            "18a",
        ),
        ("Welchen Titel bekommt eine Ingenieurin mit Master?", "18b"),
        ("Was ist eine Anerkennungspartnerschaft?", "16d"),
        ("Kann er erst einreisen und die Anerkennung hier nachholen?", "16d"),
        ("He has a three-year electrician diploma. Could he come first and do the recognition here?", "16d"),
        ("She has a nursing diploma. Which title?", None),
        ("Bekommt er die Blaue Karte ohne Anerkennung?", "blue_card"),
        ("Does he need recognition in Germany for the Blue Card?", "blue_card"),
        ("Muss er die Anerkennung in Deutschland machen, um die Blaue Karte zu bekommen?", "blue_card"),
        ("Azubi ohne Anerkennung, welches Visum?", "16a"),
        ("With the Blue Card, when can I get permanent residence?", "blue_card"),
        ("Wie lange gilt die Blaue Karte?", "blue_card"),
        ("Our IT admin has no degree, only experience – which title? IT without a degree possible?", "it_specialist"),
        ("Was gilt für Berufserfahrene nach § 19c?", "19c2"),
        ("Fachkräfte mit Berufserfahrung brauchen angeblich kein Anerkennungsverfahren mehr. Stimmt das?", "19c2"),
        ("Can we skip recognition for a welder with eight years of experience?", "19c2"),
        ("i have contract for ausbildung as electrician, which visa?", "16a"),
        ("Wie funktioniert die Chancenkarte?", "chancenkarte"),
        ("Welcher Aufenthaltstitel passt?", None),
    ],
)
def test_the_title_named_or_led_to_by_the_qualification(message: str, title: Optional[str]) -> None:
    assert title_asked_about(message, read_message(message)) == title
