"""A case as the intake gathers it, and the ticket body that is sent to the partners' backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml
from rapidfuzz import fuzz, process

from bot.checklist import ChecklistCase, ticket_checklist
from bot.pathfinder import find_path
from bot.pathfinder_dialogue import path_input
from bot.privacy import consent_text_version
from bot.reference import new_link_code, new_reference
from bot.routing import Routing, RoutingCase, route

BUSINESS_TYPES_FILE = Path(__file__).with_name("business_types.yml")
BUSINESS_TYPE_CUTOFF = 85.0


@lru_cache(maxsize=1)
def _business_type_words() -> Dict[str, str]:
    document = yaml.safe_load(BUSINESS_TYPES_FILE.read_text(encoding="utf-8"))
    return {word: business_type for business_type, words in document.items() for word in words}


def parse_business_type(text: str) -> Optional[str]:
    """'craft', 'industry_trade' or 'neither' for what the user typed, or None if unclear."""
    words = _business_type_words()
    if text in words.values():
        return text
    best = process.extractOne(text.strip().lower(), list(words), scorer=fuzz.WRatio, score_cutoff=BUSINESS_TYPE_CUTOFF)
    return words[best[0]] if best else None


@dataclass(frozen=True)
class CaseDraft:
    company_name: Optional[str]
    contact_email: Optional[str]
    occupation: Optional[str]
    business_type: Optional[str]
    language: str
    path_answers: Dict[str, Any] = field(default_factory=dict)  # pf_* slots, when the path finder ran

    def routing(self, day: date) -> Routing:
        return route(RoutingCase(business_type=self.business_type or "neither", occupation=self.occupation), day)

    def case_fields(self) -> Dict[str, Any]:
        fields = {
            "company_name": self.company_name,
            "business_type": self.business_type,
            "contact_email": self.contact_email,
            "occupation": self.occupation,
            "contact_language": self.language,
            **self._path_fields(),
        }
        return {key: value for key, value in fields.items() if value is not None}

    def _path_fields(self) -> Dict[str, Any]:
        answers = self.path_answers
        if not answers.get("pf_qualification"):
            return {}
        salary = answers.get("pf_salary")
        return {
            "qualification": {
                "type": answers["pf_qualification"],
                "recognition_status": answers.get("pf_recognition") or "unknown",
            },
            "salary_annual_eur": round(float(salary)) if salary is not None else None,  # whole euros in the ticket
            "collective_agreement": _yes_no(answers.get("pf_collective_agreement")),
            "age_band": {"yes": "45_or_over", "no": "under_45"}.get(str(answers.get("pf_age_45"))),
        }

    def no_prospect(self, day: date) -> Dict[str, Any]:
        """The path finder's findings on what was gathered; none when it did not run."""
        if not self.path_answers.get("pf_qualification"):
            return {"flag": False, "reasons": []}
        return find_path(path_input(self.path_answers), day).ticket_no_prospect()


def _yes_no(answer: Any) -> Optional[bool]:
    return {"yes": True, "no": False}.get(str(answer))


@dataclass(frozen=True)
class Ticket:
    reference: str
    link_code: str
    routing: Routing
    body: Dict[str, Any]


def build_ticket(draft: CaseDraft, day: date, now: datetime) -> Ticket:
    reference, link_code = new_reference(day.year), new_link_code()
    routing = draft.routing(day)
    body = {
        "reference": reference,
        "language": draft.language,
        "case": draft.case_fields(),
        "routing": routing.as_ticket("de"),  # staff read German display names
        "checklist": ticket_checklist(ChecklistCase()),
        "no_prospect": draft.no_prospect(day),
        "candidate_link_code": link_code,
        "consent": {"given_at": now.isoformat(), "text_version": consent_text_version()},
    }
    return Ticket(reference, link_code, routing, body)
