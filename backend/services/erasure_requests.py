"""A person's "delete my data" in the chat, passed on by the bot with the references of the cases that
conversation opened (GDPR Art. 17): a case not forwarded yet loses its personal data at once; a case the
Zentralstelle already has is marked for staff, who decide what may still be erased (Art. 17(3))."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import Ticket
from backend.services import audit
from backend.services.accounts import Principal
from backend.services.retention import RemovalKind, remove_personal_data


@dataclass
class ErasureOutcome:
    erased: list[str] = field(default_factory=list)
    marked_for_staff: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


async def erase_for_person(
    session: AsyncSession, principal: Principal, references: list[str], now: datetime
) -> ErasureOutcome:
    """Idempotent: a case erased before counts as erased, a case marked before stays marked once."""
    found = await session.scalars(select(Ticket).where(Ticket.reference.in_(references)))
    tickets = {ticket.reference: ticket for ticket in found.unique().all()}
    outcome = ErasureOutcome()
    for reference in dict.fromkeys(references):
        ticket = tickets.get(reference)
        if ticket is None:
            outcome.unknown.append(reference)
        elif ticket.personal_data_removed_at is not None:
            outcome.erased.append(reference)
        elif ticket.forwarded_at is None:
            await remove_personal_data(session, ticket, RemovalKind.PERSON_REQUEST, principal.username, now)
            outcome.erased.append(reference)
        else:
            _mark_for_staff(session, principal, ticket, now)
            outcome.marked_for_staff.append(reference)
    return outcome


def _mark_for_staff(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> None:
    if ticket.erasure_requested_at is not None:
        return
    ticket.erasure_requested_at = now
    ticket.updated_at = now
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="erasure_requested",
        actor=principal.username,
        at=now,
    )
