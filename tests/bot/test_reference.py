"""Case references and candidate link codes."""

from __future__ import annotations

import math
import re

import pytest

from bot.reference import (
    CROCKFORD_ALPHABET,
    is_valid_link_code,
    is_valid_reference,
    new_link_code,
    new_reference,
    normalise_link_code,
)


def test_reference_has_the_contract_format() -> None:
    reference = new_reference(2026)
    assert re.fullmatch(r"LT-2026-[0-9A-HJKMNP-TV-Z]{6}", reference)
    assert is_valid_reference(reference)


def test_crockford_alphabet_excludes_ambiguous_letters() -> None:
    assert len(CROCKFORD_ALPHABET) == 32
    assert not set("ILOU") & set(CROCKFORD_ALPHABET)


@pytest.mark.parametrize(
    "text", ["LT-2026-7K3QZ", "LT-2026-7K3QZDX", "lt-2026-7k3qzd", "LT-2026-7K3QZI", "LT-26-7K3QZD", "XX-2026-7K3QZD"]
)
def test_malformed_references_are_rejected(text: str) -> None:
    assert not is_valid_reference(text)


def test_example_reference_from_the_contract_is_valid() -> None:
    assert is_valid_reference("LT-2026-7K3QZD")


def test_year_must_have_four_digits() -> None:
    with pytest.raises(ValueError):
        new_reference(26)


def test_references_are_random() -> None:
    assert len({new_reference(2026) for _ in range(500)}) == 500


def test_link_code_has_at_least_60_bits_and_is_grouped() -> None:
    code = new_link_code()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
    symbols = len(code.replace("-", ""))
    assert symbols * math.log2(len(CROCKFORD_ALPHABET)) >= 60
    assert is_valid_link_code(code)


def test_link_code_is_not_derived_from_the_reference() -> None:
    for _ in range(200):
        reference, code = new_reference(2026), new_link_code()
        assert reference[-6:] not in code.replace("-", "")
    assert len({new_link_code() for _ in range(500)}) == 500


def test_typed_link_code_is_normalised() -> None:
    assert normalise_link_code("9f4k 2qxm-7tza") == "9F4K-2QXM-7TZA"
    assert normalise_link_code("9F4K-2QXM-7TZO") == "9F4K-2QXM-7TZ0"
