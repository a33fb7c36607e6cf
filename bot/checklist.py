"""Document checklist for a case, from ``bot/knowledge/checklist.yml`` (facts.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, ReloadingFile

CONDITIONS = frozenset(
    {
        "always",
        "recognition_needed",
        "uses_representative",
        "language_needed",
        "regulated",
        "training",
        "school_based_training",
        "family",
    }
)


@dataclass(frozen=True)
class ChecklistCase:
    """What decides which documents are needed."""

    recognition_needed: bool = True
    regulated_profession: bool = False
    vocational_training: bool = False
    school_based_training: bool = False
    family_members: int = 0
    uses_representative: bool = False
    language_certificate_needed: bool = False


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    condition: str
    label_de: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_de if language == "de" else self.label_en


def _parse_items(document: Any) -> tuple[ChecklistItem, ...]:
    items = []
    for raw in document["items"]:
        if raw["when"] not in CONDITIONS:
            raise KnowledgeError(f"checklist item {raw['id']}: unknown condition {raw['when']!r}")
        items.append(ChecklistItem(id=raw["id"], condition=raw["when"], label_de=raw["de"], label_en=raw["en"]))
    return tuple(items)


_checklist_file = ReloadingFile(KNOWLEDGE_DIR / "checklist.yml", _parse_items)


def all_items() -> tuple[ChecklistItem, ...]:
    items: tuple[ChecklistItem, ...] = _checklist_file.get()
    return items


def _condition_holds(condition: str, case: ChecklistCase) -> bool:
    holds = {
        "always": True,
        "recognition_needed": case.recognition_needed,
        "uses_representative": case.uses_representative,
        "language_needed": case.language_certificate_needed,
        "regulated": case.regulated_profession,
        "training": case.vocational_training or case.school_based_training,
        "school_based_training": case.school_based_training,
        "family": case.family_members > 0,
    }
    return holds[condition]


def checklist_for(case: ChecklistCase) -> list[ChecklistItem]:
    """The documents this case needs, in the order of the base list."""
    return [item for item in all_items() if _condition_holds(item.condition, case)]


def ticket_checklist(case: ChecklistCase) -> list[dict[str, str]]:
    """The checklist in the ticket body's shape: ``[{"item": id, "state": "missing"}]``."""
    return [{"item": item.id, "state": "missing"} for item in checklist_for(case)]
