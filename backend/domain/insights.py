"""Conversation insights as data: the kinds of anonymised facts, their values, the intake's
question order and the rule that small counts are not shown exactly."""

from enum import StrEnum

SMALL_COUNT_LIMIT = 5  # counts 1–4 are shown as "< 5": too few to stay anonymous
SMALL_COUNT_SHOWN = "< 5"


class FactKind(StrEnum):
    CONVERSATION_STARTED = "conversation_started"
    TOPIC_ASKED = "topic_asked"
    PATHFINDER_OUTCOME = "pathfinder_outcome"
    INTAKE_STARTED = "intake_started"
    INTAKE_ABANDONED = "intake_abandoned"
    INTAKE_COMPLETED = "intake_completed"
    HUMAN_REQUESTED = "human_requested"
    FEEDBACK = "feedback"
    UNANSWERED = "unanswered"


CHANNELS = ("rest", "teams", "whatsapp", "telegram", "other")
LANGUAGES = ("de", "en", "other")
PERSONAS = ("employer", "candidate", "unknown")
RESULTS = ("answered", "clarified", "fallback")
NO_PROSPECT = "no_prospect"

# The fields each kind carries besides the common ones: required, optional. `reason` may come with any kind.
KIND_FIELDS: dict[FactKind, tuple[frozenset[str], frozenset[str]]] = {
    FactKind.TOPIC_ASKED: (frozenset({"topic", "result"}), frozenset()),
    FactKind.PATHFINDER_OUTCOME: (frozenset({"outcome"}), frozenset()),
    FactKind.INTAKE_ABANDONED: (frozenset({"question"}), frozenset()),
    FactKind.FEEDBACK: (frozenset({"value"}), frozenset({"topic", "text", "knowledge_version"})),
    FactKind.UNANSWERED: (frozenset(), frozenset({"topic", "text"})),
}
KIND_SPECIFIC_FIELDS = frozenset({"topic", "result", "outcome", "question", "value", "text", "knowledge_version"})

# The intake's questions in the order the bot asks them (the intake form's slots in domain.yml, which
# tests/backend/test_insights.py compares with this list). A question not listed comes last.
INTAKE_QUESTIONS = (
    "company_name",
    "business_type",
    "workplace_municipality",
    "occupation",
    "pf_qualification",
    "pf_recognition",
    "pf_salary",
    "pf_collective_agreement",
    "pf_age_45",
    "pf_pension",
    "nationality",
    "country_of_residence",
    "start_date",
    "family_members",
    "residence_municipality",
    "contact_name",
    "contact_email",
    "contact_phone",
    "consent",
)


def is_small(count: int) -> bool:
    return 0 < count < SMALL_COUNT_LIMIT


def shown_count(count: int) -> str:
    """A count as shown to staff and in the CSV exports: 1–4 become "< 5"."""
    return SMALL_COUNT_SHOWN if is_small(count) else str(count)
