"""Case reference `LT-<year>-<6 Crockford base32 chars>` (shared/interfaces.md)."""

CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PATTERN = rf"^LT-(19|20)\d{{2}}-[{CROCKFORD_BASE32}]{{6}}$"
