"""Case references (``LT-2026-7K3QZD``) and candidate link codes.

Both are drawn independently from ``secrets``; the link code is never derived from
the reference, so knowing one tells nothing about the other.
"""

from __future__ import annotations

import re
import secrets

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_CHARS = 6
LINK_CODE_GROUPS = 3
LINK_CODE_GROUP_SIZE = 4  # 12 characters x 5 bits = 60 bits
_REFERENCE_PATTERN = re.compile(rf"^LT-(\d{{4}})-([{CROCKFORD_ALPHABET}]{{{REFERENCE_CHARS}}})$")
_LINK_CODE_PATTERN = re.compile(
    rf"^[{CROCKFORD_ALPHABET}]{{{LINK_CODE_GROUP_SIZE}}}(-[{CROCKFORD_ALPHABET}]{{{LINK_CODE_GROUP_SIZE}}})"
    rf"{{{LINK_CODE_GROUPS - 1}}}$"
)


def _random_crockford(length: int) -> str:
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(length))


def new_reference(year: int) -> str:
    """A new case reference such as ``LT-2026-7K3QZD``."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits: {year}")
    return f"LT-{year}-{_random_crockford(REFERENCE_CHARS)}"


def is_valid_reference(text: str) -> bool:
    """True when ``text`` has exactly the reference format (upper case, Crockford alphabet)."""
    return bool(_REFERENCE_PATTERN.match(text))


def new_link_code() -> str:
    """A random candidate link code (60 bits), grouped for reading aloud: ``9F4K-2QXM-7TZA``."""
    groups = [_random_crockford(LINK_CODE_GROUP_SIZE) for _ in range(LINK_CODE_GROUPS)]
    return "-".join(groups)


def is_valid_link_code(text: str) -> bool:
    """True when ``text`` has the link-code format."""
    return bool(_LINK_CODE_PATTERN.match(text))


def normalise_link_code(text: str) -> str:
    """Canonical form of a typed link code: upper case, O→0, I/L→1, grouped with dashes."""
    cleaned = re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("OIL", "011"))
    size = LINK_CODE_GROUP_SIZE
    return "-".join(cleaned[i : i + size] for i in range(0, len(cleaned), size))
