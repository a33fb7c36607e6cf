"""The employer's status lookup: a case reference plus the case's e-mail address as the proof of
ownership. A wrong pair and an unknown reference get the same answer, the e-mail is compared in
constant time, and failed proofs are limited (like failed logins, whose table and window they share,
so that a reference cannot be probed for its e-mail address): per reference and conversation, per
reference and client address, and, much higher, per reference over everyone. So a guesser cannot
lock the owner out, who asks from another conversation and address; only many addresses together
could, and they still could not probe."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import Ticket
from backend.services import failure_counts

_NO_EMAIL = "\x00no e-mail on record\x00"  # compared when there is nothing to compare, so timing tells nothing


class LookupRefused(Exception):
    """Too many failed proofs for this reference in the window."""


@dataclass(frozen=True)
class LookupLimits:
    failures_per_requester: int  # per conversation, and per client address
    failures_per_reference: int  # over everyone
    window: timedelta


@dataclass(frozen=True)
class Requester:
    """Who asks, as the bot knows it: the conversation's pseudonym and, where the channel has one, a
    keyed hash of the client's address."""

    sender: str
    client: str | None = None


def _keys(reference: str, requester: Requester) -> tuple[str, list[str]]:
    """The reference-wide key, and the requester's own keys for this reference."""
    reference = reference.upper()
    own = [failure_counts.digest("status_sender", f"{reference}:{requester.sender}")]
    if requester.client:
        own.append(failure_counts.digest("status_client", f"{reference}:{requester.client}"))
    return failure_counts.digest("status_reference", reference), own


def same_email(claimed: str, on_record: str | None) -> bool:
    """Case-insensitive comparison in constant time (for equal-length inputs)."""
    expected = (on_record or _NO_EMAIL).strip().casefold().encode()
    return hmac.compare_digest(claimed.strip().casefold().encode(), expected) and on_record is not None


async def _refused(session: AsyncSession, shared: str, own: list[str], limits: LookupLimits, since: datetime) -> bool:
    if await failure_counts.count(session, shared, since) >= limits.failures_per_reference:
        return True
    return any([await failure_counts.count(session, key, since) >= limits.failures_per_requester for key in own])


async def find_owned_ticket(
    session: AsyncSession, reference: str, email: str, requester: Requester, limits: LookupLimits, now: datetime
) -> Ticket | None:
    """The ticket when the e-mail is the case's; None otherwise (then the failure is counted).
    Raises LookupRefused once this requester, or everyone together, failed too often in the window."""
    shared, own = _keys(reference, requester)
    since = now - limits.window
    await failure_counts.lock(session, [shared, *own])
    await failure_counts.forget_before(session, since)
    if await _refused(session, shared, own, limits, since):
        raise LookupRefused
    ticket = await session.scalar(select(Ticket).where(Ticket.reference == reference.upper()))
    on_record = (ticket.case_data or {}).get("contact_email") if ticket is not None else None
    if same_email(email, on_record if isinstance(on_record, str) else None):
        return ticket
    failure_counts.record(session, [shared, *own], now)
    return None
