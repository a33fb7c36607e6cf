"""Validated input (pydantic 2): request bodies and query parameters; unknown keys are refused everywhere."""

from datetime import date, datetime
from typing import Annotated, Any, Literal


from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from backend.domain.case_values import QualificationType, RecognitionStatus
from backend.domain.checklist import ItemState
from backend.domain.insights import KIND_FIELDS, KIND_SPECIFIC_FIELDS, FactKind
from backend.domain.organisations import PRE_CHECK_ORGS
from backend.domain.permissions import Role
from backend.domain.reference import REFERENCE_PATTERN
from backend.domain.statuses import Outcome, Status

SnakeId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Reference = Annotated[str, StringConstraints(pattern=REFERENCE_PATTERN)]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{2,63}$")]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def no_nul_characters(cls, value: Any) -> Any:
        """PostgreSQL cannot store a NUL character in text (schemathesis found the 500 it caused)."""
        if _holds_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


def _pre_check_org(value: str) -> str:
    if value not in PRE_CHECK_ORGS:
        raise ValueError(f"must be one of {sorted(PRE_CHECK_ORGS)}")
    return value


PreCheckOrgId = Annotated[SnakeId, AfterValidator(_pre_check_org)]


class Qualification(Strict):
    type: QualificationType | None = None
    country: CountryCode | None = None
    recognition_status: RecognitionStatus | None = None


class Case(Strict):
    company_name: ShortText
    business_type: Literal["craft", "industry_trade", "neither"] | None = None
    workplace_municipality: SnakeId | None = None
    workplace_postcode: Annotated[str, StringConstraints(pattern=r"^\d{5}$")] | None = None
    residence_municipality: SnakeId | None = None
    contact_name: ShortText | None = None
    contact_email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
    contact_phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()/-]{4,30}$")] | None = None
    occupation: ShortText
    qualification: Qualification | None = None
    nationality: CountryCode | None = None
    country_of_residence: CountryCode | None = None
    start_date: date | None = None
    salary_annual_eur: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    collective_agreement: bool | None = None
    age_band: Literal["under_45", "45_or_over"] | None = None
    family_members: Annotated[int, Field(ge=0, le=20)] | None = None
    contact_language: Literal["de", "en"] | None = None


class RoutingEntry(Strict):
    id: SnakeId
    name: ShortText


class PreCheckOrgEntry(RoutingEntry):
    id: PreCheckOrgId


class Routing(Strict):
    pre_check_org: PreCheckOrgEntry
    recognition_body: RoutingEntry | None = None
    forward_to: RoutingEntry | None = None
    after_entry_office: RoutingEntry | None = None


class ChecklistEntry(Strict):
    item: SnakeId
    state: ItemState


class NoProspect(Strict):
    flag: bool = False
    reasons: Annotated[list[ShortText], Field(max_length=20)] = []


class Consent(Strict):
    given_at: AwareDatetime
    text_version: ShortText


class TicketSubmission(Strict):
    reference: Reference
    language: Literal["de", "en"] = "de"
    case: Case
    routing: Routing | None = None
    checklist: Annotated[list[ChecklistEntry], Field(max_length=100)] = []
    no_prospect: NoProspect = NoProspect()
    candidate_link_code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9-]{4,32}$")] | None = None
    consent: Consent

    @model_validator(mode="after")
    def checklist_items_unique(self) -> "TicketSubmission":
        items = [entry.item for entry in self.checklist]
        if len(items) != len(set(items)):
            raise ValueError("checklist items must be unique")
        return self


class TicketQuery(Strict):
    status: Status | None = None
    organisation: SnakeId | None = None
    assignee: Username | None = None
    created_from: date | datetime | None = None
    created_to: date | datetime | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    overdue: bool | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0)] = 0


class TransitionRequest(Strict):
    to: Status
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    outcome: Outcome | None = None


class ChecklistUpdate(Strict):
    state: ItemState


class CommentCreate(Strict):
    body: LongText


class AssigneeUpdate(Strict):
    username: Username | None


class RerouteRequest(Strict):
    pre_check_org: PreCheckOrgId
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


class UserCreate(Strict):
    username: Username
    role: Literal[Role.STAFF, Role.ADMIN]


# Conversation insights (docs/contracts.md): codes are single words, so no free text reaches their columns.
InsightCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$")]
MAX_FACTS_PER_CALL = 500


class Fact(Strict):
    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    kind: FactKind
    day: date
    conversation: InsightCode
    channel: Literal["rest", "teams", "whatsapp", "telegram", "other"]
    language: Literal["de", "en", "other"]
    persona: Literal["employer", "candidate", "unknown"]
    topic: InsightCode | None = None
    result: Literal["answered", "clarified", "fallback"] | None = None
    outcome: InsightCode | None = None
    reason: InsightCode | None = None
    question: InsightCode | None = None
    value: Literal["up", "down"] | None = None
    text: Annotated[str, StringConstraints(max_length=300)] | None = None
    knowledge_version: InsightCode | None = None

    @model_validator(mode="after")
    def fields_of_the_kind(self) -> "Fact":
        required, optional = KIND_FIELDS.get(self.kind, (frozenset(), frozenset()))
        given = {name for name in KIND_SPECIFIC_FIELDS if getattr(self, name) is not None}
        if missing := sorted(required - given):
            raise ValueError(f"{self.kind.value} needs {', '.join(missing)}")
        if foreign := sorted(given - required - optional):
            raise ValueError(f"{self.kind.value} has no {', '.join(foreign)}")
        return self


class FactBatch(Strict):
    facts: Annotated[list[Fact], Field(max_length=MAX_FACTS_PER_CALL)]


class ConsumerStatus(Strict):
    """The insights consumer's own report (PUT /api/v1/insights/consumer-status): how far behind it is."""

    source: Literal["rabbitmq", "sqlite"]
    # events waiting: messages in the consumer's queue, or tracker rows not yet read
    backlog: Annotated[int, Field(strict=True, ge=0, le=2**31 - 1)]
    last_event_at: AwareDatetime | None = None  # the time of the newest event it has read
    reported_at: AwareDatetime  # the consumer's clock when it measured the backlog
