"""The employer's status lookup: a case reference plus the case's e-mail address as the proof of
ownership. A wrong pair and an unknown reference get the same answer, the e-mail is compared in
constant time, and failed proofs per reference are limited (like failed logins, whose table and
window they share, so that a reference cannot be probed for its e-mail address)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.models import LoginFailure, Ticket

FAILURES_PER_REFERENCE = 5
_NO_EMAIL = "\x00no e-mail on record\x00"  # compared when there is nothing to compare, so timing tells nothing


class LookupRefused(Exception):
    """Too many failed proofs for this reference in the window."""


@dataclass(frozen=True)
class LookupLimits:
    failures_per_reference: int
    window: timedelta


def _reference_key(reference: str) -> str:
    return hashlib.sha256(f"status_reference:{reference.upper()}".encode()).hexdigest()


def same_email(claimed: str, on_record: str | None) -> bool:
    """Case-insensitive comparison in constant time (for equal-length inputs)."""
    expected = (on_record or _NO_EMAIL).strip().casefold().encode()
    return hmac.compare_digest(claimed.strip().casefold().encode(), expected) and on_record is not None


async def _recent_failures(session: AsyncSession, key: str, since: datetime) -> int:
    query = (
        select(func.count()).select_from(LoginFailure).where(LoginFailure.key_digest == key, LoginFailure.at >= since)
    )
    return await session.scalar(query) or 0


async def find_owned_ticket(
    session: AsyncSession, reference: str, email: str, limits: LookupLimits, now: datetime
) -> Ticket | None:
    """The ticket when the e-mail is the case's; None otherwise (then the failure is counted).
    Raises LookupRefused once the reference has failed too often in the window."""
    key = _reference_key(reference)
    await session.execute(delete(LoginFailure).where(LoginFailure.at < now - limits.window))
    if await _recent_failures(session, key, now - limits.window) >= limits.failures_per_reference:
        raise LookupRefused
    ticket = await session.scalar(select(Ticket).where(Ticket.reference == reference.upper()))
    on_record = (ticket.case_data or {}).get("contact_email") if ticket is not None else None
    if same_email(email, on_record if isinstance(on_record, str) else None):
        return ticket
    session.add(LoginFailure(key_digest=key, at=now))
    return None
