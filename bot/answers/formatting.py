"""Language-aware formatting of fact values: money, numbers, durations, dates.

German: ``411 €``, ``50.700 €``, ``45.934,20 €``, ``2 Monate``, ``01.01.2026``.
English: ``€411``, ``€50,700``, ``€45,934.20``, ``2 months``, ``1 January 2026``.
Decimals are kept exactly as stored; nothing is rounded.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal

from bot.knowledge import FactValue, Range

LANGUAGES = ("de", "en")
_LOCALES = {"de": "de_DE", "en": "en_GB"}

# unit -> language -> (singular, plural, dative plural)
_UNIT_WORDS: dict[str, dict[str, tuple[str, str, str]]] = {
    "months": {"de": ("Monat", "Monate", "Monaten"), "en": ("month", "months", "months")},
    "weeks": {"de": ("Woche", "Wochen", "Wochen"), "en": ("week", "weeks", "weeks")},
    "working_days": {
        "de": ("Arbeitstag", "Arbeitstage", "Arbeitstagen"),
        "en": ("working day", "working days", "working days"),
    },
    "years": {"de": ("Jahr", "Jahre", "Jahren"), "en": ("year", "years", "years")},
    "hours_per_week": {
        "de": ("Stunde pro Woche", "Stunden pro Woche", "Stunden pro Woche"),
        "en": ("hour a week", "hours a week", "hours a week"),
    },
    "points": {"de": ("Punkt", "Punkte", "Punkten"), "en": ("point", "points", "points")},
}
_MONEY_SUFFIX = {
    "EUR": {"de": "", "en": ""},
    "EUR_per_year": {"de": "", "en": ""},
    "EUR_per_month": {"de": " im Monat", "en": " a month"},
    "EUR_per_line": {"de": " netto pro Normzeile", "en": " net per standard line"},
}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    return language


def format_number(value: Decimal, language: str) -> str:
    """Grouped number with exactly the stored decimal places (45934.20 -> 45.934,20)."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[check_language(language)])


def format_money(value: Decimal | Range, language: str) -> str:
    if isinstance(value, Range):
        low, high = format_number(value.minimum, language), format_number(value.maximum, language)
        return f"{low}–{high} €" if language == "de" else f"€{low}–{high}"
    number = format_number(value, language)
    return f"{number} €" if language == "de" else f"€{number}"


def format_date(day: date, language: str) -> str:
    if check_language(language) == "de":
        return day.strftime("%d.%m.%Y")
    return babel_format_date(day, format="d MMMM y", locale=_LOCALES["en"])


def _format_counted(value: Decimal, unit: str, language: str, dative: bool) -> str:
    singular, plural, dative_plural = _UNIT_WORDS[unit][language]
    word = singular if value == 1 else (dative_plural if dative else plural)
    return f"{format_number(value, language)} {word}"


def _format_percent(value: Decimal, language: str) -> str:
    number = format_number(value, language)
    return f"{number} %" if language == "de" else f"{number}%"


def format_value(value: FactValue, unit: str, language: str, dative: bool = False) -> str:
    """Format a present fact value; ``dative`` selects the German dative plural (``2 Monaten``)."""
    check_language(language)
    if value is None:
        raise ValueError("format_value needs a value")
    if isinstance(value, date):
        return format_date(value, language)
    if isinstance(value, str):
        return value
    if unit in _MONEY_SUFFIX:
        return format_money(value, language) + _MONEY_SUFFIX[unit][language]
    if isinstance(value, Range):
        raise ValueError(f"ranges are only supported for money, not {unit}")
    if unit == "percent":
        return _format_percent(value, language)
    if unit in _UNIT_WORDS:
        return _format_counted(value, unit, language, dative)
    return format_number(value, language)
