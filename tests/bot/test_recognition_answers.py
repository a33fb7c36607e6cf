"""What the recognition-body answer says for IT without a degree, regulated academic professions and engineers (V8)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answers import render

DAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("occupation", "language"), [("Apotheker", "de"), ("veterinarian", "en"), ("Psychotherapeutin", "de")]
)
def test_regulated_academic_professions_need_the_licence_which_a_zab_statement_does_not_replace(
    occupation: str, language: str
) -> None:
    answer = render("recognition_body", language, DAY, {"occupation": occupation}).text
    assert ("ersetzt diese Erlaubnis nicht" if language == "de" else "does not replace this licence") in answer
    assert "www.anerkennung-in-deutschland.de" in answer
    assert "NiZzA" not in answer.split("\n\n")[0]  # the facts name NiZzA for doctors and dentists only


@pytest.mark.parametrize("language", ["de", "en"])
def test_engineers_are_told_the_visa_needs_anabin_or_zab_and_the_chamber_only_gives_the_title(language: str) -> None:
    answer = render("recognition_body", language, DAY, {"occupation": "Ingenieur"}).text
    assert "anabin" in answer and "ZAB" in answer
    assert ("nur darüber" if language == "de" else "only decides") in answer


@pytest.mark.parametrize("language", ["de", "en"])
def test_it_specialists_without_a_degree_are_told_no_recognition_is_needed(language: str) -> None:
    answer = render("recognition_body", language, DAY, {"occupation": "Softwareentwickler"}).text
    assert ("keine Anerkennung" if language == "de" else "need no recognition") in answer
    assert "§ 6 BeschV" in answer


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_overview_no_longer_sends_engineers_to_the_chamber_for_the_visa(language: str) -> None:
    answer = render("recognition_body", language, DAY).text
    assert (
        "IT-Fachkräfte ohne Abschluss: keine Anerkennung nötig" if language == "de" else "no recognition needed"
    ) in answer
    assert ("nur für den geschützten Titel" if language == "de" else "only for the protected title") in answer
