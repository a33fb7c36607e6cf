"""Case reference `LT-<year>-<6 Crockford base32 chars>` (shared/interfaces.md)."""

import re

CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = rf"^LT-(19|20)\d{{2}}-[{CROCKFORD_BASE32}]{{6}}$"
_REFERENCE = re.compile(REFERENCE_PATTERN)


def is_valid_reference(value: str) -> bool:
    return bool(_REFERENCE.fullmatch(value))
