"""Amounts as employers type them: "52.000 €", "52,000 EUR", "4.500 brutto im Monat" (→ annual)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

from babel.numbers import NumberFormatError, parse_decimal

_NUMBER = re.compile(r"\d[\d.,'’ ]*\d|\d")
_MONTHLY = re.compile(r"monat|mtl\b|month|p\.\s?m\b|/\s?m(on)?\b", re.IGNORECASE)
_THOUSANDS = re.compile(r"(\d+)\s*(k|tsd\.?|tausend|thousand)\b", re.IGNORECASE)
MONTHS_PER_YEAR = 12


def _locale_for(number: str) -> str:
    """German if the number uses ',' for decimals or '.' for thousands, else English."""
    dot, comma = number.rfind("."), number.rfind(",")
    if dot >= 0 and comma >= 0:
        return "de_DE" if comma > dot else "en_US"
    if comma >= 0:
        return (
            "en_US" if len(number) - comma - 1 == 3 and number.count(",") >= 1 and not number.endswith(",") else "de_DE"
        )
    if dot >= 0:
        return "de_DE" if len(number) - dot - 1 == 3 else "en_US"
    return "en_US"


def parse_amount(text: str) -> Optional[Decimal]:
    thousands = _THOUSANDS.search(text)
    if thousands:
        return Decimal(thousands.group(1)) * 1000
    match = _NUMBER.search(text)
    if not match:
        return None
    number = re.sub(r"['’ ]", "", match.group(0))
    try:
        return parse_decimal(number, locale=_locale_for(number), strict=False)
    except NumberFormatError:
        return None


def parse_annual_salary(text: str) -> Optional[Decimal]:
    """The gross annual salary the text names; a monthly amount is multiplied by 12."""
    amount = parse_amount(text)
    if amount is None or amount <= 0:
        return None
    return amount * MONTHS_PER_YEAR if _MONTHLY.search(text) else amount
