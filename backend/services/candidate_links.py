"""Candidate link codes: resolving a code to the candidate's view of the case (for the bot) and
revoking or regenerating it (for the pre-check organisation's staff).

Unknown, revoked and malformed codes are one outcome. Wrong codes are limited per sender (the
bot's pseudonym of the conversation) and per client address where the channel has one; like the
status lookup, the failures share the failed-login table and window. There is no limit over all
senders: it let forty throw-away conversations block every candidate's code, and a 60-bit code
needs none. Codes are stored as digests only.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import Ticket
from backend.domain.candidate_link import is_candidates_open_item, is_link_code, link_digest, new_link_code
from backend.services import audit, failure_counts
from backend.services.accounts import Principal


class TooManyWrongCodes(Exception):
    """This conversation, or this client address, gave too many wrong codes in the window."""


@dataclass(frozen=True)
class LinkLimits:
    per_requester: int
    window: timedelta


def _keys(sender: str, client: str | None) -> list[str]:
    keys = [failure_counts.digest("candidate_link_sender", sender)]
    if client:
        keys.append(failure_counts.digest("candidate_link_client", client))
    return keys


async def _ticket_with_code(session: AsyncSession, code: str) -> Ticket | None:
    """The one ticket holding the code; none when there is none or (never by chance) more than one."""
    query = select(Ticket).where(Ticket.candidate_link_digest == link_digest(code)).limit(2)
    found = (await session.scalars(query)).all()
    return found[0] if len(found) == 1 else None


def candidate_view_json(ticket: Ticket) -> dict[str, Any]:
    """Only the status and the candidate's own open documents: nothing else of the employer's case."""
    missing = [
        {"item": entry.item, "state": entry.state}
        for entry in ticket.checklist
        if is_candidates_open_item(entry.item, entry.state)
    ]
    return {"status": ticket.status, "missing_documents": missing}


async def resolve(
    session: AsyncSession, code: str, sender: str, client: str | None, limits: LinkLimits, now: datetime
) -> Ticket | None:
    """The ticket linked by ``code``, or None (then the failure is counted).
    Raises TooManyWrongCodes once the sender or the client address failed too often in the window."""
    since, keys = now - limits.window, _keys(sender, client)
    await failure_counts.lock(session, keys)
    await failure_counts.forget_before(session, since)
    if any([await failure_counts.count(session, key, since) >= limits.per_requester for key in keys]):
        raise TooManyWrongCodes
    ticket = await _ticket_with_code(session, code) if is_link_code(code) else None
    if ticket is None:
        failure_counts.record(session, keys, now)
    return ticket


def _record(
    session: AsyncSession, principal: Principal, ticket: Ticket, action: str, before: str, now: datetime
) -> None:
    """The trail says that the code changed, never the code itself."""
    after = "active" if ticket.candidate_link_digest else "none"
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action=action,
        actor=principal.username,
        at=now,
        before={"candidate_link": before},
        after={"candidate_link": after},
    )


async def regenerate(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> str:
    """Replaces the code with a new random one (the old one stops working) and returns it: the only
    time it is shown, since only its digest is kept."""
    before = "active" if ticket.candidate_link_digest else "none"
    code = new_link_code()
    taken = select(func.count()).select_from(Ticket).where(Ticket.candidate_link_digest == link_digest(code))
    while await session.scalar(taken):
        code = new_link_code()
        taken = select(func.count()).select_from(Ticket).where(Ticket.candidate_link_digest == link_digest(code))
    ticket.candidate_link_digest = link_digest(code)
    _record(session, principal, ticket, "candidate_link_regenerated", before, now)
    return code


def revoke(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> None:
    before = "active" if ticket.candidate_link_digest else "none"
    ticket.candidate_link_digest = None
    _record(session, principal, ticket, "candidate_link_revoked", before, now)
