"""A case as the intake gathers it, and the ticket body that is sent to the partners' backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rapidfuzz import fuzz, process

from bot.checklist import ChecklistCase, ticket_checklist
from bot.intake_plan import OUTSIDE_REGION, answered
from bot.pathfinder import PathResult, find_path, summarise
from bot.pathfinder_dialogue import path_input
from bot.privacy import consent_text_version
from bot.reference import new_link_code, new_reference
from bot.routing import Routing, RoutingCase, route

BUSINESS_TYPES_FILE = Path(__file__).with_name("business_types.yml")
BUSINESS_TYPE_CUTOFF = 85.0
PLAIN_FIELDS = (
    "company_name",
    "business_type",
    "workplace_municipality",
    "residence_municipality",
    "contact_name",
    "contact_email",
    "contact_phone",
    "occupation",
    "nationality",
    "country_of_residence",
    "start_date",
    "family_members",
)


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


def _yes_no(answer: Any) -> Optional[bool]:
    return {"yes": True, "no": False}.get(str(answer))


@dataclass(frozen=True)
class CaseDraft:
    """The intake's and the path finder's answers (slot name → canonical value)."""

    answers: Dict[str, Any]
    language: str

    def _answer(self, field: str) -> Any:
        value = self.answers.get(field)
        return value if answered(value) and value != OUTSIDE_REGION else None

    def path_answers(self) -> Dict[str, Any]:
        answers = {key: value for key, value in self.answers.items() if key.startswith("pf_")}
        residence = self._answer("country_of_residence")
        if residence:
            answers["pf_abroad"] = "no" if residence == "DE" else "yes"
        return answers

    def routing(self, day: date) -> Routing:
        case = RoutingCase(
            business_type=self._answer("business_type") or "neither",
            occupation=self._answer("occupation"),
            qualification_type=self.answers.get("pf_qualification"),
            workplace_municipality=self._answer("workplace_municipality"),
            residence_municipality=self._answer("residence_municipality"),
        )
        return route(case, day)

    def path(self, day: date) -> Optional[PathResult]:
        answers = self.path_answers()
        return find_path(path_input(answers), day) if answers.get("pf_qualification") else None

    def no_prospect(self, day: date) -> Dict[str, Any]:
        path = self.path(day)
        return path.ticket_no_prospect() if path else {"flag": False, "reasons": []}

    def findings(self, day: date) -> List[str]:
        path = self.path(day)
        return list(summarise(path, self.language, day).no_prospect) if path else []

    def checklist_case(self) -> ChecklistCase:
        return ChecklistCase(
            recognition_needed=self.answers.get("pf_recognition") != "yes",
            regulated_profession=self.answers.get("pf_regulated") == "yes",
            family_members=int(self._answer("family_members") or 0),
        )

    def case_fields(self) -> Dict[str, Any]:
        fields = {field: self._answer(field) for field in PLAIN_FIELDS}
        salary = self.answers.get("pf_salary")
        fields.update(
            contact_language=self.language,
            salary_annual_eur=round(float(salary)) if salary is not None else None,  # whole euros in the ticket
            collective_agreement=_yes_no(self.answers.get("pf_collective_agreement")),
            age_band={"yes": "45_or_over", "no": "under_45"}.get(str(self.answers.get("pf_age_45"))),
            family_members=int(fields["family_members"]) if fields["family_members"] is not None else None,
        )
        if self.answers.get("pf_qualification"):
            fields["qualification"] = {
                "type": self.answers["pf_qualification"],
                "recognition_status": self.answers.get("pf_recognition") or "unknown",
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
        "checklist": ticket_checklist(draft.checklist_case()),
        "no_prospect": draft.no_prospect(day),
        "candidate_link_code": link_code,
        "consent": {"given_at": now.isoformat(), "text_version": consent_text_version()},
    }
    return Ticket(reference, link_code, routing, body)
