"""Status notices to the bot: every status change of a ticket is recorded in the same transaction
and delivered to the bot's webhook by the delivery worker, with backoff, until delivered or failed.

The request is signed with HMAC-SHA256 over `<timestamp>.<event id>.<body>` (docs/contracts.md);
the body names the reference, the new status, the time and the event id, never personal data.
Without a URL or a secret nothing is sent: the notices wait, visibly pending.
"""

import hashlib
import hmac
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.engine import Sessions
from backend.database.models import StatusNotice, Ticket
from backend.services import audit, delivery_queue
from backend.services.accounts import Principal
from backend.services.delivery_queue import DeliveryError, DeliveryState, Retry, canonical
from backend.services.errors import ApiError
from backend.settings import Settings

log = logging.getLogger("backend.status_notices")
NOTICE_ACTOR = "system:status_notices"
SIGNATURE_HEADER = "X-Lotse-Signature"
TIMESTAMP_HEADER = "X-Lotse-Timestamp"
EVENT_HEADER = "X-Lotse-Event-Id"


def enqueue(session: AsyncSession, ticket: Ticket, now: datetime) -> StatusNotice:
    """Records the ticket's new status for the bot (called with every status change)."""
    notice = StatusNotice(
        event_id=uuid.uuid4().hex,
        ticket_id=ticket.id,
        status=ticket.status,
        changed_at=now,
        state=DeliveryState.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        updated_at=now,
    )
    session.add(notice)
    return notice


async def latest_notice(session: AsyncSession, ticket: Ticket) -> StatusNotice | None:
    query = select(StatusNotice).where(StatusNotice.ticket_id == ticket.id)
    return await session.scalar(query.order_by(StatusNotice.id.desc()).limit(1))


async def resend(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> None:
    """Staff send the ticket's latest notice again after it failed for good: back into the queue with
    fresh attempts and the same event id, so a bot that did receive it answers `duplicate`. Only the
    latest: the bot never tells a notice older than one it has told."""
    notice = await latest_notice(session, ticket)
    if notice is None or notice.state != DeliveryState.FAILED:
        raise ApiError(409, "status_notice_not_failed", "Only a failed status notice can be sent again.")
    delivery_queue.requeue(notice, now)
    notice.last_error = None
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="status_notice_requeued",
        actor=principal.username,
        at=now,
        after={"status": notice.status},
    )


def signature(secret: str, timestamp: str, event_id: str, body: bytes) -> str:
    signed = f"{timestamp}.{event_id}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def is_enabled(settings: Settings) -> bool:
    return bool(settings.status_webhook_url and settings.status_webhook_secret)


@dataclass(frozen=True)
class Outgoing:
    entry_id: int
    event_id: str
    reference: str
    body: bytes


def outgoing_of(notice: StatusNotice, reference: str) -> Outgoing:
    body = canonical(
        {
            "event_id": notice.event_id,
            "reference": reference,
            "status": notice.status,
            "changed_at": notice.changed_at.isoformat(),
        }
    )
    return Outgoing(notice.id, notice.event_id, reference, body)


def post(settings: Settings, outgoing: Outgoing, now: datetime) -> None:
    """Sends one notice (blocking; run in a thread); any answer but 2xx is a failed attempt."""
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        EVENT_HEADER: outgoing.event_id,
        SIGNATURE_HEADER: signature(settings.status_webhook_secret, timestamp, outgoing.event_id, outgoing.body),
    }
    delivery_queue.post(settings.status_webhook_url, outgoing.body, headers, timeout=10)


async def _due(sessions: Sessions, now: datetime, limit: int) -> list[Outgoing]:
    query = (
        select(StatusNotice, Ticket.reference)
        .join(Ticket, Ticket.id == StatusNotice.ticket_id)
        .where(StatusNotice.state == DeliveryState.PENDING.value, StatusNotice.next_attempt_at <= now)
        .order_by(StatusNotice.next_attempt_at, StatusNotice.id)
        .limit(limit)
        .with_for_update(of=StatusNotice, skip_locked=True)
    )
    async with sessions() as session, session.begin():
        due = (await session.execute(query)).all()
        delivery_queue.claim([notice for notice, _ in due], now)
        return [outgoing_of(notice, reference) for notice, reference in due]


async def _settle(
    sessions: Sessions, settings: Settings, outgoing: Outgoing, now: datetime, error: DeliveryError | None
) -> None:
    if error is not None:
        log.warning("status notice %s not delivered: %s", outgoing.entry_id, error)
    retry = Retry(settings.status_notice_backoff_seconds, settings.status_notice_max_attempts)
    async with sessions() as session, session.begin():
        notice = await session.get(StatusNotice, outgoing.entry_id)
        if notice is None or not delivery_queue.record_attempt(notice, now, error, retry):
            return
        audit.record(
            session,
            subject_type="ticket",
            subject=outgoing.reference,
            action=f"status_notice_{notice.state}",
            actor=NOTICE_ACTOR,
            at=now,
            after={"status": notice.status, "attempts": notice.attempts, "error": notice.last_error},
        )


async def deliver_due(sessions: Sessions, settings: Settings, now: datetime, limit: int = 20) -> int:
    """One pass over the due notices: claimed, then sent outside any transaction. Returns how many were tried."""
    if not is_enabled(settings):
        return 0
    return await delivery_queue.send_each(
        await _due(sessions, now, limit),
        lambda outgoing: post(settings, outgoing, now),
        lambda outgoing, error: _settle(sessions, settings, outgoing, now, error),
    )
