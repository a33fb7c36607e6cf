"""Removing personal data: after the retention period (job) or on a deletion request (admin)."""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.engine import Sessions
from backend.database.models import Comment, Ticket
from backend.domain.personal_data import anonymised_case
from backend.domain.statuses import Status
from backend.services import audit, forwarding
from backend.services.tickets import search_text


class RemovalKind(StrEnum):
    RETENTION = "retention"
    DELETION_REQUEST = "deletion_request"


async def remove_personal_data(
    session: AsyncSession, ticket: Ticket, kind: RemovalKind, actor: str, now: datetime
) -> None:
    """Strips the case down to the retained fields and blanks the comments; the audit entry
    names the removed fields, never their values."""
    kept, removed_fields = anonymised_case(ticket.case_data)
    ticket.case_data = kept
    ticket.candidate_link_digest = None
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


async def run_retention(sessions: Sessions, now: datetime, retention_days: int) -> list[str]:
    """Anonymises every closed ticket whose closing is older than the retention period.

    Returns the references it anonymised.
    """
    cutoff = now - timedelta(days=retention_days)
    due = (
        select(Ticket)
        .where(Ticket.status == Status.CLOSED, Ticket.closed_at <= cutoff, Ticket.personal_data_removed_at.is_(None))
        .order_by(Ticket.id)
    )
    async with sessions() as session, session.begin():
        tickets = list((await session.scalars(due)).unique().all())
        for ticket in tickets:
            await remove_personal_data(session, ticket, RemovalKind.RETENTION, audit.SYSTEM_RETENTION_ACTOR, now)
    return [ticket.reference for ticket in tickets]
