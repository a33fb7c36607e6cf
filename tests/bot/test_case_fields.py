from datetime import date

import pytest

from bot.case_fields import country_name, read_country, read_phone, read_start_date

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0511 123456", "+49511123456"),
        ("+49 511 123456", "+49511123456"),
        ("+216 71 123 456", "+21671123456"),
        ("0151 23456789", "+4915123456789"),
    ],
)
def test_phone_numbers_german_and_international(typed: str, expected: str) -> None:
    assert read_phone(typed) == expected


@pytest.mark.parametrize("typed", ["12", "call me", "0000"])
def test_invalid_phone_numbers(typed: str) -> None:
    assert read_phone(typed) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Türkei", "TR"),
        ("Turkey", "TR"),
        ("Marokko", "MA"),
        ("Morocco", "MA"),
        ("Kamerun", "CM"),
        ("Cameroon", "CM"),
        ("Tunesien", "TN"),
        ("tunisia", "TN"),
        ("TN", "TN"),
        ("Tuerkei", "TR"),
        ("Indien", "IN"),
    ],
)
def test_countries_in_german_and_english(typed: str, code: str) -> None:
    assert read_country(typed) == code


def test_unknown_country_is_none() -> None:
    assert read_country("Atlantis") is None


def test_country_names_per_language() -> None:
    assert country_name("MA", "de") == "Marokko"
    assert country_name("MA", "en") == "Morocco"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01.03.2027", date(2027, 3, 1)),
        ("1. März", date(2027, 3, 1)),
        ("March 1st 2027", date(2027, 3, 1)),
        ("next month", date(2026, 12, 26)),
        ("nächsten Monat", date(2026, 12, 26)),
    ],
)
def test_start_dates_in_german_and_english(typed: str, expected: date) -> None:
    assert read_start_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["01.01.2020", "gestern", "irgendwann", "01.01.2035"])
def test_past_far_or_unreadable_dates_are_refused(typed: str) -> None:
    assert read_start_date(typed, TODAY) is None
