"""Removing personal data: after the retention period (job), on a deletion request (admin) or on the
person's own request through the bot (`backend.services.erasure_requests`)."""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.engine import Sessions
from backend.database.models import Comment, Ticket
from backend.domain.personal_data import anonymised_case, coded_reasons
from backend.domain.statuses import Status
from backend.services import audit, forwarding
from backend.services.tickets import search_text


class RemovalKind(StrEnum):
    RETENTION = "retention"
    RETENTION_OPEN = "retention_open"  # a case never closed, past the open-ticket retention period
    DELETION_REQUEST = "deletion_request"
    PERSON_REQUEST = "person_request"  # the person's "delete my data" in the chat


async def remove_personal_data(
    session: AsyncSession, ticket: Ticket, kind: RemovalKind, actor: str, now: datetime
) -> None:
    """Strips the case down to the retained fields and blanks the comments; the audit entry
    names the removed fields, never their values."""
    kept, removed_fields = anonymised_case(ticket.case_data)
    ticket.case_data = kept
    ticket.candidate_link_digest = None
    ticket.no_prospect_reasons = coded_reasons(ticket.no_prospect_reasons)
    ticket.search_text = search_text(ticket.reference, kept)
    ticket.personal_data_removed_at = now
    ticket.personal_data_removal_kind = kind.value
    ticket.updated_at = now
    await forwarding.forget_package_contents(session, ticket)
    comments = await session.execute(
        update(Comment).where(Comment.ticket_id == ticket.id).values(body="", body_removed=True).returning(Comment.id)
    )
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="personal_data_removed",
        actor=actor,
        at=now,
        after={"kind": kind.value, "case_fields_removed": removed_fields, "comments_blanked": len(comments.all())},
    )


async def run_retention(
    sessions: Sessions, now: datetime, retention_days: int, open_retention_days: int | None = None
) -> list[str]:
    """Anonymises every closed ticket whose closing is older than the retention period and, with
    `open_retention_days`, every ticket never closed that was created longer ago than that.

    Returns the references it anonymised.
    """
    closed_due = (Ticket.status == Status.CLOSED) & (Ticket.closed_at <= now - timedelta(days=retention_days))
    due_rule: ColumnElement[bool] = closed_due
    if open_retention_days is not None:
        open_due = (Ticket.status != Status.CLOSED) & (Ticket.created_at <= now - timedelta(days=open_retention_days))
        due_rule = or_(closed_due, open_due)
    due = select(Ticket).where(due_rule, Ticket.personal_data_removed_at.is_(None)).order_by(Ticket.id)
    async with sessions() as session, session.begin():
        tickets = list((await session.scalars(due)).unique().all())
        for ticket in tickets:
            kind = RemovalKind.RETENTION if ticket.status == Status.CLOSED else RemovalKind.RETENTION_OPEN
            await remove_personal_data(session, ticket, kind, audit.SYSTEM_RETENTION_ACTOR, now)
    return [ticket.reference for ticket in tickets]
