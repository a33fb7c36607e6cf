"""A case as the intake gathers it, and the ticket body that is sent to the partners' backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional

import yaml
from rapidfuzz import fuzz, process

from bot.checklist import ChecklistCase, ticket_checklist
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

    def routing(self, day: date) -> Routing:
        return route(RoutingCase(business_type=self.business_type or "neither", occupation=self.occupation), day)

    def case_fields(self) -> Dict[str, Any]:
        fields = {
            "company_name": self.company_name,
            "business_type": self.business_type,
            "contact_email": self.contact_email,
            "occupation": self.occupation,
            "contact_language": self.language,
        }
        return {key: value for key, value in fields.items() if value is not None}


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
        "no_prospect": {"flag": False, "reasons": []},
        "candidate_link_code": link_code,
        "consent": {"given_at": now.isoformat(), "text_version": consent_text_version()},
    }
    return Ticket(reference, link_code, routing, body)
