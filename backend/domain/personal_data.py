"""Which case fields survive anonymisation: an allow-list, so a new field is removed by default."""

from typing import Any

RETAINED_CASE_FIELDS = frozenset(
    {"business_type", "workplace_municipality", "occupation", "collective_agreement", "contact_language"}
)


def anonymised_case(case: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The case without personal data, and the names (never the values) of the removed fields."""
    kept = {key: value for key, value in case.items() if key in RETAINED_CASE_FIELDS}
    removed = sorted(key for key in case if key not in RETAINED_CASE_FIELDS)
    return kept, removed
