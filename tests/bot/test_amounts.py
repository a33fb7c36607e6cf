from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.amounts import parse_amount, parse_annual_salary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52.000 €", Decimal(52000)),
        ("52,000 EUR", Decimal(52000)),
        ("52000", Decimal(52000)),
        ("EUR 48,300.50", Decimal("48300.50")),
        ("45.934,20 €", Decimal("45934.20")),
        ("4.500 brutto im Monat", Decimal(54000)),
        ("4500 monatlich", Decimal(54000)),
        ("€3,900 per month", Decimal(46800)),
        ("55k", Decimal(55000)),
        ("60 Tsd. im Jahr", Decimal(60000)),
        ("1 234 567", Decimal(1234567)),
    ],
)
def test_salaries_in_german_and_english_notation(text: str, expected: Decimal) -> None:
    assert parse_annual_salary(text) == expected


@pytest.mark.parametrize("text", ["weiß ich nicht", "", "viel", "-"])
def test_text_without_an_amount_gives_none(text: str) -> None:
    assert parse_annual_salary(text) is None


@given(st.integers(min_value=1000, max_value=999_999))
def test_german_and_english_thousands_separators_mean_the_same(value: int) -> None:
    german = f"{value:,}".replace(",", ".")
    english = f"{value:,}"
    assert parse_amount(german) == parse_amount(english) == Decimal(value)
