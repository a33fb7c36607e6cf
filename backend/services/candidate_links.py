"""Candidate link codes: resolving a code to the candidate's view of the case (for the bot) and
revoking or regenerating it (for the pre-check organisation's staff).

Unknown, revoked and malformed codes are one outcome. Wrong codes are limited per sender (the
bot's pseudonym of the conversation) and over all senders, so that rotating sender ids does not
help a guesser either; like the status lookup, the failures share the failed-login table and window.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import LoginFailure, Ticket
from backend.domain.candidate_link import is_candidates_open_item, is_link_code, new_link_code
from backend.services import audit
from backend.services.accounts import Principal

_ALL_SENDERS = "*"


class TooManyWrongCodes(Exception):
    """The sender, or all senders together, gave too many wrong codes in the window."""


@dataclass(frozen=True)
class LinkLimits:
    per_sender: int
    overall: int
    window: timedelta


def _key(sender: str) -> str:
    return hashlib.sha256(f"candidate_link_sender:{sender}".encode()).hexdigest()


async def _failures(session: AsyncSession, key: str, since: datetime) -> int:
    query = (
        select(func.count()).select_from(LoginFailure).where(LoginFailure.key_digest == key, LoginFailure.at >= since)
    )
    return await session.scalar(query) or 0


async def _limited(session: AsyncSession, sender: str, limits: LinkLimits, since: datetime) -> bool:
    return (
        await _failures(session, _key(sender), since) >= limits.per_sender
        or await _failures(session, _key(_ALL_SENDERS), since) >= limits.overall
    )


async def _ticket_with_code(session: AsyncSession, code: str) -> Ticket | None:
    """The one ticket holding the code; none when there is none or (never by chance) more than one."""
    found = (await session.scalars(select(Ticket).where(Ticket.candidate_link_code == code).limit(2))).all()
    return found[0] if len(found) == 1 else None


def candidate_view_json(ticket: Ticket) -> dict[str, Any]:
    """Only the status and the candidate's own open documents: nothing else of the employer's case."""
    missing = [
        {"item": entry.item, "state": entry.state}
        for entry in ticket.checklist
        if is_candidates_open_item(entry.item, entry.state)
    ]
    return {"status": ticket.status, "missing_documents": missing}


async def resolve(session: AsyncSession, code: str, sender: str, limits: LinkLimits, now: datetime) -> Ticket | None:
    """The ticket linked by ``code``, or None (then the failure is counted).
    Raises TooManyWrongCodes once the sender or all senders failed too often in the window."""
    since = now - limits.window
    await session.execute(delete(LoginFailure).where(LoginFailure.at < since))
    if await _limited(session, sender, limits, since):
        raise TooManyWrongCodes
    ticket = await _ticket_with_code(session, code) if is_link_code(code) else None
    if ticket is None:
        session.add_all([LoginFailure(key_digest=_key(who), at=now) for who in (sender, _ALL_SENDERS)])
    return ticket


def _record(
    session: AsyncSession, principal: Principal, ticket: Ticket, action: str, before: str, now: datetime
) -> None:
    """The trail says that the code changed, never the code itself."""
    after = "active" if ticket.candidate_link_code else "none"
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
    """Replaces the code with a new random one (the old one stops working) and returns it."""
    before = "active" if ticket.candidate_link_code else "none"
    code = new_link_code()
    while await session.scalar(select(func.count()).select_from(Ticket).where(Ticket.candidate_link_code == code)):
        code = new_link_code()
    ticket.candidate_link_code = code
    _record(session, principal, ticket, "candidate_link_regenerated", before, now)
    return code


def revoke(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> None:
    before = "active" if ticket.candidate_link_code else "none"
    ticket.candidate_link_code = None
    _record(session, principal, ticket, "candidate_link_revoked", before, now)
