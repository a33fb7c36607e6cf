"""Conversation insights: storing the bot consumer's anonymised facts, their retention, and the figures
of the staff Insights page (over every conversation: the facts name no organisation and no case)."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.engine import Sessions
from backend.database.models import InsightConsumerReport, InsightFact
from backend.domain.insights import INTAKE_QUESTIONS, NO_PROSPECT, FactKind
from backend.domain.personal_text import kept_text
from backend.domain.text_groups import TextGroup, group_texts
from backend.schemas import ConsumerStatus, Fact

CONSUMER_STALE_AFTER = timedelta(minutes=3)  # the consumer reports every 30 s at the latest
TOP_TOPICS = 10
TOP_GAPS = 10
GAP_DAYS = 7  # the unanswered questions "of the week": the last seven days


@dataclass(frozen=True)
class Stored:
    stored: int
    duplicates: int


def _row(fact: Fact, now: datetime) -> dict[str, Any]:
    values = fact.model_dump(exclude={"id", "kind", "text"})
    return values | {"fact_id": fact.id, "kind": fact.kind.value, "text": kept_text(fact.text), "received_at": now}


async def store_facts(session: AsyncSession, facts: list[Fact], now: datetime) -> Stored:
    """Stores the facts whose id is new; a known id (or one repeated in the call) is a duplicate."""
    rows = list({fact.id: _row(fact, now) for fact in reversed(facts)}.values())
    if not rows:
        return Stored(0, 0)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(InsightFact)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["fact_id"])
        .returning(InsightFact.fact_id)
    )
    stored = len((await session.execute(statement)).all())
    return Stored(stored, len(facts) - stored)


async def last_fact_at(session: AsyncSession) -> datetime | None:
    latest: datetime | None = await session.scalar(select(func.max(InsightFact.received_at)))
    return latest


async def record_consumer_status(session: AsyncSession, status: ConsumerStatus, now: datetime) -> None:
    """Keeps the latest report of the source's consumer (one row per source)."""
    report = await session.get(InsightConsumerReport, status.source)
    if report is None:
        report = InsightConsumerReport(source=status.source)
        session.add(report)
    report.backlog, report.last_event_at = status.backlog, status.last_event_at
    report.measured_at, report.received_at = status.reported_at, now


@dataclass(frozen=True)
class ConsumerHealth:
    source: str | None = None
    backlog: int | None = None
    last_event_at: datetime | None = None
    reported_at: datetime | None = None
    state: str = "never_reported"  # "reporting", "stale" (no report for CONSUMER_STALE_AFTER), "never_reported"


async def consumer_health(session: AsyncSession, now: datetime) -> ConsumerHealth:
    """The most recently received report; stale when it is older than CONSUMER_STALE_AFTER."""
    latest = await session.scalar(select(InsightConsumerReport).order_by(InsightConsumerReport.received_at.desc()))
    if latest is None:
        return ConsumerHealth()
    state = "stale" if now - latest.received_at > CONSUMER_STALE_AFTER else "reporting"
    return ConsumerHealth(latest.source, latest.backlog, latest.last_event_at, latest.received_at, state)


async def purge_old_facts(sessions: Sessions, today: date, retention_days: int) -> int:
    """Deletes the facts whose day lies more than the retention period back; returns how many."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            delete(InsightFact).where(InsightFact.day < today - timedelta(days=retention_days))
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class TopicRow:
    topic: str
    results: Counter[str]  # answered / clarified / fallback

    @property
    def asked(self) -> int:
        return sum(self.results.values())


@dataclass(frozen=True)
class FunnelStep:
    question: str
    reached: int
    abandoned: int


@dataclass(frozen=True)
class FeedbackRow:
    topic: str | None
    up: int
    down: int


@dataclass(frozen=True)
class Insights:
    first_day: date
    last_day: date
    weeks: list[str]  # ISO weeks, oldest first
    conversations: dict[str, Counter[str]]  # week → "total", "channel:<c>", "language:<l>", "persona:<p>", "human"
    topics: list[TopicRow]
    intakes_started: int
    intakes_completed: int
    funnel: list[FunnelStep]
    outcomes: list[tuple[str, int]]
    no_prospect_reasons: list[tuple[str, int]]
    feedback: list[FeedbackRow]
    unanswered_total: int
    gaps: list[TextGroup]
    missing: list[TextGroup]  # what the 👎 lines of the period said was missing, grouped


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _weeks(first_day: date, last_day: date) -> list[str]:
    days = (first_day + timedelta(days=offset) for offset in range(0, (last_day - first_day).days + 1, 7))
    return list(dict.fromkeys([*(iso_week(day) for day in days), iso_week(last_day)]))


def _conversations(facts: list[InsightFact]) -> dict[str, Counter[str]]:
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        week = weeks[iso_week(fact.day)]
        if fact.kind == FactKind.CONVERSATION_STARTED:
            week.update(["total", f"channel:{fact.channel}", f"language:{fact.language}", f"persona:{fact.persona}"])
        elif fact.kind == FactKind.HUMAN_REQUESTED:
            week["human"] += 1
    return weeks


def _topics(facts: list[InsightFact]) -> list[TopicRow]:
    results: dict[str, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        if fact.kind == FactKind.TOPIC_ASKED and fact.topic:
            results[fact.topic][fact.result or "answered"] += 1
    rows = [TopicRow(topic, counts) for topic, counts in results.items()]
    return sorted(rows, key=lambda row: (-row.asked, row.topic))[:TOP_TOPICS]


def _funnel(started: int, abandoned_at: Counter[str]) -> list[FunnelStep]:
    order = [*INTAKE_QUESTIONS, *sorted(set(abandoned_at) - set(INTAKE_QUESTIONS))]
    steps, lost = [], 0
    for question in order:
        steps.append(FunnelStep(question, max(started - lost, 0), abandoned_at[question]))
        lost += abandoned_at[question]
    return steps


def _feedback(facts: list[InsightFact]) -> list[FeedbackRow]:
    votes: dict[str | None, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        if fact.kind == FactKind.FEEDBACK and fact.value:
            votes[fact.topic][fact.value] += 1
    rows = [FeedbackRow(topic, counts["up"], counts["down"]) for topic, counts in votes.items()]
    return sorted(rows, key=lambda row: (-(row.up + row.down), row.topic or ""))


def _count(facts: list[InsightFact], kind: FactKind) -> int:
    return sum(1 for fact in facts if fact.kind == kind)


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


async def insights(session: AsyncSession, last_day: date, weeks: int) -> Insights:
    """The figures of the `weeks` ISO weeks up to `last_day` (its week included)."""
    first_day = last_day - timedelta(days=last_day.weekday() + 7 * (weeks - 1))
    query = select(InsightFact).where(InsightFact.day >= first_day, InsightFact.day <= last_day)
    facts = list((await session.scalars(query)).all())
    outcomes = [fact for fact in facts if fact.kind == FactKind.PATHFINDER_OUTCOME and fact.outcome]
    gap_start = last_day - timedelta(days=GAP_DAYS - 1)
    unanswered = [fact for fact in facts if fact.kind == FactKind.UNANSWERED and fact.day >= gap_start]
    return Insights(
        first_day=first_day,
        last_day=last_day,
        weeks=_weeks(first_day, last_day),
        conversations=_conversations(facts),
        topics=_topics(facts),
        intakes_started=_count(facts, FactKind.INTAKE_STARTED),
        intakes_completed=_count(facts, FactKind.INTAKE_COMPLETED),
        funnel=_funnel(
            _count(facts, FactKind.INTAKE_STARTED),
            Counter(fact.question for fact in facts if fact.kind == FactKind.INTAKE_ABANDONED and fact.question),
        ),
        outcomes=_ranked(Counter(fact.outcome for fact in outcomes if fact.outcome)),
        no_prospect_reasons=_ranked(Counter(f.reason for f in outcomes if f.outcome == NO_PROSPECT and f.reason)),
        feedback=_feedback(facts),
        unanswered_total=len(unanswered),
        gaps=group_texts([fact.text for fact in unanswered if fact.text], TOP_GAPS),
        missing=group_texts([f.text for f in facts if f.kind == FactKind.FEEDBACK and f.text], TOP_GAPS),
    )
