"""Which case fields survive anonymisation: an allow-list, so a new field is removed by default."""

from typing import Any

from backend.domain.case_values import NoProspectReason

NO_PROSPECT_CODES = frozenset(reason.value for reason in NoProspectReason)

RETAINED_CASE_FIELDS = frozenset(
    {"business_type", "workplace_municipality", "occupation", "collective_agreement", "contact_language"}
)


def anonymised_case(case: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The case without personal data, and the names (never the values) of the removed fields."""
    kept = {key: value for key, value in case.items() if key in RETAINED_CASE_FIELDS}
    removed = sorted(key for key in case if key not in RETAINED_CASE_FIELDS)
    return kept, removed


def coded_reasons(reasons: list[Any]) -> list[str]:
    """The no-prospect reasons that are codes (the path finder's rules); a clerk's own words may name
    a person, so they stay out of the audit trail and go when the case is anonymised."""
    return [reason for reason in reasons if reason in NO_PROSPECT_CODES]
