"""States of a checklist item (a document the case needs)."""

from enum import StrEnum


class ItemState(StrEnum):
    MISSING = "missing"
    RECEIVED = "received"
    CHECKED = "checked"
    NEEDS_TRANSLATION = "needs_translation"
    NOT_NEEDED = "not_needed"
