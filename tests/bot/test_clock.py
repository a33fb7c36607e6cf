"""The clock: Berlin calendar day, LOTSE_TODAY only in test mode, threshold change at New Year."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.answers import render
from bot.clock import ClockError, today

TEST_MODE = {"LOTSE_TEST_MODE": "1"}


def test_lotse_today_is_ignored_outside_test_mode() -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)
    assert today({"LOTSE_TODAY": "2030-01-01"}, now=now) == date(2026, 11, 26)
    assert today({"LOTSE_TODAY": "2030-01-01", "LOTSE_TEST_MODE": "0"}, now=now) == date(2026, 11, 26)


def test_lotse_today_is_honoured_in_test_mode() -> None:
    assert today({**TEST_MODE, "LOTSE_TODAY": "2025-12-31"}) == date(2025, 12, 31)


def test_invalid_lotse_today_in_test_mode_is_a_clear_error() -> None:
    with pytest.raises(ClockError, match="ISO date"):
        today({**TEST_MODE, "LOTSE_TODAY": "31.12.2025"})


def test_late_evening_utc_on_31_december_is_already_new_year_in_berlin() -> None:
    assert today({}, now=datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc)) == date(2026, 1, 1)
    assert today({}, now=datetime(2025, 12, 31, 22, 59, tzinfo=timezone.utc)) == date(2025, 12, 31)


def test_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSE_TEST_MODE", "1")
    monkeypatch.setenv("LOTSE_TODAY", "2026-01-01")
    assert today() == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("iso_day", "german", "english"),
    [
        ("2024-12-31", "45.300 €", "€45,300"),
        ("2025-01-01", "48.300 €", "€48,300"),
        ("2025-12-31", "48.300 €", "€48,300"),
        ("2026-01-01", "50.700 €", "€50,700"),
    ],
)
def test_blue_card_threshold_follows_the_clock_across_new_year(iso_day: str, german: str, english: str) -> None:
    day = today({**TEST_MODE, "LOTSE_TODAY": iso_day})
    params = {"residence_title": "blue_card"}
    assert german in render("salary_threshold", "de", day, params).text
    assert english in render("salary_threshold", "en", day, params).text


def test_2027_without_a_value_says_so_and_gives_the_2026_value_with_its_validity() -> None:
    day = today({**TEST_MODE, "LOTSE_TODAY": "2027-01-01"})
    german = render("salary_threshold", "de", day, {"residence_title": "blue_card"}).text
    english = render("salary_threshold", "en", day, {"residence_title": "blue_card"}).text
    assert "kein Wert vor" in german and "50.700 €" in german and "gültig bis 31.12.2026" in german
    assert "no value for 1 January 2027" in english and "€50,700" in english
    assert "valid until 31 December 2026" in english
    assert "0541 66888 200" in german, "a missing value must come with the Zentralstelle contact"
