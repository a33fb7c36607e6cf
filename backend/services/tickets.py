"""Pre-check tickets: creation, status transitions and the staff's edits. Each change is audited."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import ChecklistItem, Comment, Ticket, User
from backend.domain.candidate_link import link_digest
from backend.domain.checklist import ItemState
from backend.domain.organisations import DEFAULT_PRE_CHECK_ORG, ORGANISATIONS, RECEIVING_ORG
from backend.domain.personal_data import coded_reasons
from backend.domain.permissions import Action, Role
from backend.domain.statuses import REROUTABLE, TRANSITIONS, Party, Status, allowed_outcomes, allowed_targets
from backend.schemas import NoProspect, RerouteRequest, TicketQuery, TicketSubmission, TransitionRequest
from backend.services import audit, status_notices
from backend.services.access import require, visible_tickets
from backend.services.accounts import Principal, find_user
from backend.services.errors import ApiError


@dataclass(frozen=True)
class Clocks:
    now: datetime
    first_response_target: timedelta


def body_digest(submission: TicketSubmission) -> str:
    canonical = json.dumps(submission.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def search_text(reference: str, case: dict[str, Any]) -> str:
    fields = ("company_name", "occupation", "contact_name", "contact_email")
    return " ".join([reference, *(str(case[field]) for field in fields if case.get(field))]).lower()


def _routing(submission: TicketSubmission) -> dict[str, Any]:
    if submission.routing is not None:
        return submission.routing.model_dump(mode="json")
    default = ORGANISATIONS[DEFAULT_PRE_CHECK_ORG]
    return {
        "pre_check_org": {"id": default.id, "name": default.name},
        "recognition_body": None,
        "forward_to": None,
        "after_entry_office": None,
    }


def _new_ticket(submission: TicketSubmission, digest: str, clocks: Clocks) -> Ticket:
    case = submission.case.model_dump(mode="json", exclude_none=True)
    routing = _routing(submission)
    ticket = Ticket(
        reference=submission.reference,
        body_sha256=digest,
        language=submission.language,
        status=Status.SUBMITTED.value,
        case_data=case,
        routing=routing,
        pre_check_org=routing["pre_check_org"]["id"],
        no_prospect_flag=submission.no_prospect.flag,
        no_prospect_reasons=list(submission.no_prospect.reasons),
        consent=submission.consent.model_dump(mode="json"),
        candidate_link_digest=link_digest(submission.candidate_link_code) if submission.candidate_link_code else None,
        search_text=search_text(submission.reference, case),
        created_at=clocks.now,
        updated_at=clocks.now,
        first_response_due_at=clocks.now + clocks.first_response_target,
        assignee=None,
    )
    ticket.checklist = [
        ChecklistItem(item=entry.item, state=entry.state.value, position=position, updated_at=clocks.now)
        for position, entry in enumerate(submission.checklist)
    ]
    return ticket


async def _by_reference(session: AsyncSession, reference: str) -> Ticket | None:
    return await session.scalar(select(Ticket).where(Ticket.reference == reference))


def _replay(existing: Ticket, digest: str) -> Ticket:
    if existing.body_sha256 != digest:
        raise ApiError(409, "reference_conflict", "This reference was already used with a different body.")
    return existing


async def submit(
    session: AsyncSession, principal: Principal, submission: TicketSubmission, clocks: Clocks
) -> tuple[Ticket, bool]:
    """Creates the ticket, or returns the earlier one for a repeated identical submission.

    Returns the ticket and whether it was created now.
    """
    require(principal, Action.TICKET_CREATE)
    digest = body_digest(submission)
    existing = await _by_reference(session, submission.reference)
    if existing is not None:
        return _replay(existing, digest), False
    ticket = _new_ticket(submission, digest, clocks)
    try:
        async with session.begin_nested():
            session.add(ticket)
    except IntegrityError:
        raced = await _by_reference(session, submission.reference)
        if raced is None:
            raise
        return _replay(raced, digest), False
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="ticket_created",
        actor=principal.username,
        at=clocks.now,
        after={
            "status": ticket.status,
            "pre_check_org": ticket.pre_check_org,
            "checklist": {item.item: item.state for item in ticket.checklist},
        },
    )
    return ticket, True


def _may_make(principal: Principal, ticket: Ticket, party: Party) -> bool:
    if party is Party.PRE_CHECK_ORG:
        return principal.organisation == ticket.pre_check_org
    return principal.organisation == RECEIVING_ORG


def _check_outcome(origin: Status, request: TransitionRequest) -> None:
    if request.to is not Status.CLOSED:
        if request.outcome is not None:
            raise ApiError(422, "outcome_not_expected", "Only closing a ticket takes an outcome.")
        return
    allowed = allowed_outcomes(origin)
    if request.outcome not in allowed:
        raise ApiError(
            422, "outcome_required", "Closing needs an outcome allowed here.", sorted(o.value for o in allowed)
        )


async def transition(
    session: AsyncSession, principal: Principal, ticket: Ticket, request: TransitionRequest, now: datetime
) -> Ticket:
    origin = Status(ticket.status)
    party = TRANSITIONS.get((origin, request.to))
    if party is None:
        allowed = [target.value for target in allowed_targets(origin)]
        raise ApiError(409, "transition_not_allowed", f"{origin.value} cannot go to {request.to.value}.", allowed)
    if not _may_make(principal, ticket, party):
        raise ApiError(403, "transition_not_yours", "Another organisation makes this transition.")
    _check_outcome(origin, request)
    _apply_status(ticket, request, now)
    status_notices.enqueue(session, ticket, now)
    reason_comment_id = await _reason_as_comment(session, principal, ticket, request.reason, now)
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="status_changed",
        actor=principal.username,
        at=now,
        before={"status": origin.value},
        after={"status": ticket.status, "outcome": ticket.outcome, "reason_comment_id": reason_comment_id},
    )
    return ticket


async def _reason_as_comment(
    session: AsyncSession, principal: Principal, ticket: Ticket, reason: str | None, now: datetime
) -> int | None:
    """A clerk's reason in their own words may name a person: it becomes a comment, which anonymisation
    blanks, and the append-only audit trail keeps only the comment's id (codes there, text where it can go)."""
    if not reason:
        return None
    comment = Comment(ticket_id=ticket.id, author_id=principal.user_id, body=reason, created_at=now)
    session.add(comment)
    await session.flush()
    return comment.id


def _apply_status(ticket: Ticket, request: TransitionRequest, now: datetime) -> None:
    if ticket.status == Status.SUBMITTED and ticket.first_responded_at is None:
        ticket.first_responded_at = now
    ticket.status = request.to.value
    if request.to is Status.FORWARDED:
        ticket.forwarded_at = now
    if request.to is Status.CLOSED:
        ticket.closed_at = now
        ticket.outcome = request.outcome.value if request.outcome else None
    ticket.updated_at = now


async def set_checklist_item(
    session: AsyncSession, principal: Principal, ticket: Ticket, item: str, state: ItemState, now: datetime
) -> ChecklistItem:
    """Sets the state of a checklist item, adding the item when the case did not list it yet."""
    entry = next((existing for existing in ticket.checklist if existing.item == item), None)
    before = entry.state if entry else None
    if entry is None:
        entry = ChecklistItem(item=item, state=state.value, position=len(ticket.checklist), updated_at=now)
        ticket.checklist.append(entry)
    entry.state = state.value
    entry.updated_at = now
    ticket.updated_at = now
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="checklist_item_set",
        actor=principal.username,
        at=now,
        before={"item": item, "state": before},
        after={"item": item, "state": state.value},
    )
    return entry


def set_no_prospect(
    session: AsyncSession, principal: Principal, ticket: Ticket, assessment: NoProspect, now: datetime
) -> None:
    before = _coded_assessment(ticket.no_prospect_flag, ticket.no_prospect_reasons)
    ticket.no_prospect_flag = assessment.flag
    ticket.no_prospect_reasons = list(assessment.reasons)
    ticket.updated_at = now
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="no_prospect_assessed",
        actor=principal.username,
        at=now,
        before=before,
        after=_coded_assessment(assessment.flag, assessment.reasons),
    )


def _coded_assessment(flag: bool, reasons: list[Any]) -> dict[str, Any]:
    """For the audit trail: the reason codes, and only how many reasons were a clerk's own words."""
    codes = coded_reasons(reasons)
    return {"flag": flag, "reasons": codes, "own_reasons": len(reasons) - len(codes)}


async def add_comment(session: AsyncSession, principal: Principal, ticket: Ticket, body: str, now: datetime) -> Comment:
    comment = Comment(ticket_id=ticket.id, author_id=principal.user_id, body=body, created_at=now)
    session.add(comment)
    await session.flush()
    ticket.updated_at = now
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="comment_added",
        actor=principal.username,
        at=now,
        after={"comment_id": comment.id},
    )
    return comment


async def comments_of(session: AsyncSession, ticket: Ticket) -> list[Comment]:
    query = select(Comment).where(Comment.ticket_id == ticket.id).order_by(Comment.id)
    return list((await session.scalars(query)).all())


async def _eligible_assignee(session: AsyncSession, ticket: Ticket, username: str) -> User:
    user = await find_user(session, username)
    if user is None or not user.active or user.role == Role.BOT or user.organisation != ticket.pre_check_org:
        raise ApiError(422, "assignee_not_eligible", "Assign an active user of the organisation doing the pre-check.")
    return user


async def assign(
    session: AsyncSession, principal: Principal, ticket: Ticket, username: str | None, now: datetime
) -> Ticket:
    before = ticket.assignee.username if ticket.assignee else None
    ticket.assignee = await _eligible_assignee(session, ticket, username) if username else None
    ticket.updated_at = now
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="assignee_changed",
        actor=principal.username,
        at=now,
        before={"assignee": before},
        after={"assignee": username},
    )
    return ticket


async def reroute(
    session: AsyncSession, principal: Principal, ticket: Ticket, request: RerouteRequest, clocks: Clocks
) -> Ticket:
    """Hands the pre-check to another organisation; an unanswered ticket gets a fresh target there."""
    if Status(ticket.status) not in REROUTABLE:
        raise ApiError(409, "reroute_not_allowed", f"A {ticket.status} ticket cannot be re-routed.")
    if request.pre_check_org == ticket.pre_check_org:
        raise ApiError(422, "same_organisation", "The ticket is already routed there.")
    before = {"pre_check_org": ticket.pre_check_org, "assignee": ticket.assignee.username if ticket.assignee else None}
    target = ORGANISATIONS[request.pre_check_org]
    ticket.routing = {**ticket.routing, "pre_check_org": {"id": target.id, "name": target.name}}
    ticket.pre_check_org = target.id
    ticket.assignee = None
    if ticket.first_responded_at is None:
        ticket.first_response_due_at = clocks.now + clocks.first_response_target
    ticket.updated_at = clocks.now
    reason_comment_id = await _reason_as_comment(session, principal, ticket, request.reason, clocks.now)
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="rerouted",
        actor=principal.username,
        at=clocks.now,
        before=before,
        after={"pre_check_org": target.id, "reason_comment_id": reason_comment_id},
    )
    return ticket


def _day_start(value: Any, *, next_day: bool = False) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    start = datetime.combine(value, time.min, tzinfo=UTC)
    return start + timedelta(days=1) if next_day else start


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _overdue(now: datetime) -> ColumnElement[bool]:
    """SQL twin of `backend.domain.deadlines.first_response(...).overdue`."""
    unanswered_and_late = and_(Ticket.first_responded_at.is_(None), Ticket.first_response_due_at < now)
    answered_late = and_(
        Ticket.first_responded_at.is_not(None), Ticket.first_responded_at > Ticket.first_response_due_at
    )  # spelled out so that NOT(...) never meets a NULL
    return or_(unanswered_and_late, answered_late)


def _filtered(query: Select[Any], filters: TicketQuery, now: datetime) -> Select[Any]:
    if filters.overdue is not None:
        query = query.where(_overdue(now) if filters.overdue else not_(_overdue(now)))
    if filters.status:
        query = query.where(Ticket.status == filters.status.value)
    if filters.organisation:
        query = query.where(Ticket.pre_check_org == filters.organisation)
    if filters.assignee:
        query = query.join(User, Ticket.assignee_id == User.id).where(User.username == filters.assignee)
    if filters.created_from:
        query = query.where(Ticket.created_at >= _day_start(filters.created_from))
    if filters.created_to:
        query = query.where(Ticket.created_at < _day_start(filters.created_to, next_day=True))
    if filters.q:
        query = query.where(Ticket.search_text.like(_like_pattern(filters.q), escape="\\"))
    return query


async def list_tickets(
    session: AsyncSession, principal: Principal, filters: TicketQuery, now: datetime
) -> tuple[list[Ticket], int]:
    require(principal, Action.TICKET_LIST)
    base = _filtered(select(Ticket.id).where(visible_tickets(principal)), filters, now)
    total = await session.scalar(select(func.count()).select_from(base.subquery())) or 0
    ids = base.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(filters.limit).offset(filters.offset)
    page = (
        select(Ticket).where(Ticket.id.in_(ids.scalar_subquery())).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    )
    return list((await session.scalars(page)).unique().all()), total


def transition_options(principal: Principal, ticket: Ticket) -> list[Status]:
    """The statuses this principal may move the ticket to now (what the UI offers)."""
    origin = Status(ticket.status)
    return [target for target in allowed_targets(origin) if _may_make(principal, ticket, TRANSITIONS[(origin, target)])]


async def eligible_assignees(session: AsyncSession, ticket: Ticket) -> list[str]:
    query = select(User.username).where(
        User.organisation == ticket.pre_check_org, User.active.is_(True), User.role != Role.BOT
    )
    return list((await session.scalars(query.order_by(User.username))).all())
