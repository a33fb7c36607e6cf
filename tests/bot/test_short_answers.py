"""Short answers to the assistant's questions as people give them, in German and English."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.short_answers import (
    find_nationality,
    read_abroad,
    read_age,
    read_age_45,
    read_family_count,
    read_nationality,
    read_yes_no,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("yes", "yes"),
        ("Yes it is", "yes"),
        ("yeah sure", "yes"),
        ("of course", "yes"),
        ("no problem", "yes"),
        ("ja", "yes"),
        ("Ja, ist er", "yes"),
        ("Genau so", "yes"),
        ("klar doch", "yes"),
        ("auf jeden Fall", "yes"),
        ("no", "no"),
        ("No.", "no"),
        ("no, that job is not regulated", "no"),
        ("not regulated", "no"),
        ("It is not a regulated profession", "no"),
        ("nope", "no"),
        ("of course not", "no"),
        ("absolutely not", "no"),
        ("she doesn't", "no"),
        ("nein", "no"),
        ("Nein, der Beruf ist nicht reglementiert", "no"),
        ("nicht reglementiert", "no"),
        ("er spricht kein Deutsch", "no"),
        ("das stimmt nicht", "no"),
        ("nö", "no"),
        ("I don't know", None),
        ("no idea", None),
        ("not sure", None),
        ("keine Ahnung", None),
        ("can't say", None),
        ("can't remember", None),
        ("I don't remember", None),
        ("weiß ich nicht mehr", None),
        ("kann ich nicht sagen", None),
        ("weiß ich nicht", None),
        ("vielleicht", None),
        ("she works as a nurse", None),
        ("", None),
    ],
)
def test_yes_or_no_with_or_without_a_correction(typed: str, expected: Optional[str]) -> None:
    assert read_yes_no(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("38", "no"),
        ("no, she is 38", "no"),
        ("she's 38 years old", "no"),
        ("52", "yes"),
        ("yes, 52", "yes"),
        ("he is 45", "yes"),
        ("nein, sie ist 38", "no"),
        ("38 Jahre", "no"),
        ("er ist 46 Jahre alt", "yes"),
        ("ja, er ist 50", "yes"),
        ("unter 45", "no"),
        ("under 40", "no"),
        ("über 50", "yes"),
        ("older than 45", "yes"),
        ("noch nicht 45", "no"),
        ("late 40s", "yes"),
        ("Anfang 30", "no"),
        ("Ende 40", "yes"),
        ("in her 50s", "yes"),
        ("in den 30ern", "no"),
        ("in his 40s", None),
        ("over 40", None),
        ("yes", "yes"),
        ("nein", "no"),
        ("keine Ahnung", None),
        ("born in 1980", None),
    ],
)
def test_age_answers_to_the_45_question(typed: str, expected: Optional[str]) -> None:
    assert read_age_45(typed) == expected


@pytest.mark.parametrize(("typed", "age"), [("38", 38), ("she is 52", 52), ("Mitte 40", 45), ("38 or 39", None)])
def test_ages(typed: str, age: Optional[int]) -> None:
    assert read_age(typed) == age


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("my wife and our two kids", 3),
        ("wife + 2 children", 3),
        ("his wife", 1),
        ("husband and three daughters", 4),
        ("two sons and a daughter", 3),
        ("wife but no kids", 1),
        ("nobody comes along", 0),
        ("nobody", 0),
        ("none", 0),
        ("no one", 0),
        ("he comes alone", 0),
        ("just me", 0),
        ("no", 0),
        ("2", 2),
        ("three", 3),
        ("meine Frau und zwei Kinder", 3),
        ("Frau und Tochter", 2),
        ("Ehemann und 2 Kinder", 3),
        ("3 Kinder", 3),
        ("Zwillinge", 2),
        ("keine Kinder", 0),
        ("niemand", 0),
        ("Keine", 0),
        ("sie kommt allein", 0),
        ("nein", 0),
        ("0", 0),
        ("zwei", 2),
        ("wife and kids", None),
        ("die ganze Familie", None),
        ("ein paar", None),
        ("500", None),
    ],
)
def test_family_members_coming_along(typed: str, count: Optional[int]) -> None:
    assert read_family_count(typed) == count


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ägyptisch", "EG"),
        ("aegyptisch", "EG"),
        ("Ägypterin", "EG"),
        ("Filipino", "PH"),
        ("filipina", "PH"),
        ("philippinisch", "PH"),
        ("indische", "IN"),
        ("Inder", "IN"),
        ("Indian", "IN"),
        ("Moroccan", "MA"),
        ("marokkanisch", "MA"),
        ("Marokkaner", "MA"),
        ("türkisch", "TR"),
        ("Türkin", "TR"),
        ("Turkish", "TR"),
        ("tunesische Staatsangehörigkeit", "TN"),
        ("she is Vietnamese", "VN"),
        ("South Korean", "KR"),
        ("sri-lankisch", "LK"),
        ("Sri Lankan", "LK"),
        ("Brazilian", "BR"),
        ("ukrainische", "UA"),
        ("Tunesien", "TN"),
        ("Morocco", "MA"),
        ("Ägypten", "EG"),
        ("India", "IN"),
    ],
)
def test_nationality_as_adjective_noun_or_country(typed: str, code: str) -> None:
    assert read_nationality(typed) == code


@pytest.mark.parametrize("typed", ["Atlantis", "good question", "weiß ich noch nicht"])
def test_no_nationality(typed: str) -> None:
    assert read_nationality(typed) is None


def test_nationality_in_a_longer_sentence() -> None:
    assert find_nationality("We want to hire an Egyptian mechanic who is 52") == "EG"
    assert find_nationality("ein indischer Koch mit fünf Jahren Erfahrung") == "IN"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("yes", "yes"),
        ("still in India", "yes"),
        ("she is still abroad", "yes"),
        ("noch im Ausland", "yes"),
        ("no, she is already in Germany", "no"),
        ("he already lives here", "no"),
        ("schon in Deutschland", "no"),
        ("er wohnt bereits hier", "no"),
        ("nein", "no"),
    ],
)
def test_still_abroad(typed: str, expected: Optional[str]) -> None:
    assert read_abroad(typed) == expected
