"""Issue 16 S2: the delivery queues are claimed, never shared by luck. Two workers, each with its own
engine and connection pool as two backend replicas have, work one database (PostgreSQL and SQLite):
500 pending status notices and 500 pending case packages reach the receiver exactly once each. A
worker that dies holding entries loses them when the lease ends."""

import asyncio
import hashlib
import json
from datetime import datetime

from backend_harness import Api, FakeClock
from http_receiver import Receiver
from sanic import Sanic
from sqlalchemy import func, select

from backend.database.engine import Database
from backend.database.models import Delivery, ForwardingPackage, StatusNotice, Ticket
from backend.services import forwarding, status_notices
from backend.services.delivery_queue import CLAIM_LEASE, DeliveryState
from backend.settings import Settings

REFERENCE = "LT-2026-CKM001"
ITEMS = 500


def _configured(settings: Settings, url: str) -> Settings:
    return settings.model_copy(
        update={
            "status_webhook_url": url,
            "status_webhook_secret": "claim-secret-for-tests",
            "forward_url": url,
            "forward_hmac_secret": "claim-secret-for-tests",
        }
    )


async def _queue_items(app: Sanic, now: datetime) -> None:
    async with app.ctx.sessions() as session, session.begin():
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == REFERENCE))
        for number in range(ITEMS):
            session.add(
                StatusNotice(
                    event_id=f"{number:032x}",
                    ticket_id=ticket.id,
                    status="in_pre_check",
                    changed_at=now,
                    state=DeliveryState.PENDING.value,
                    attempts=0,
                    next_attempt_at=now,
                    updated_at=now,
                )
            )
            package = ForwardingPackage(
                ticket_id=ticket.id,
                package_json={"number": number},
                pdf=b"%PDF-1.4 claim test",
                sha256=hashlib.sha256(str(number).encode()).hexdigest(),
                created_by="test",
                created_at=now,
            )
            session.add(package)
            await session.flush()
            session.add(
                Delivery(package_id=package.id, state="pending", attempts=0, next_attempt_at=now, updated_at=now)
            )


async def _work_until_empty(database_url: str, settings: Settings, now: datetime) -> int:
    """One worker: passes over both queues until a pass finds nothing due; returns how many it tried."""
    database = Database(database_url)
    tried = 0
    try:
        while True:
            batch = await status_notices.deliver_due(database.sessions, settings, now)
            batch += await forwarding.deliver_due(database.sessions, settings, now)
            if batch == 0:
                return tried
            tried += batch
    finally:
        await database.dispose()


def _received(receiver: Receiver) -> tuple[list[str], list[int]]:
    notices = [headers["x-lotse-event-id"] for headers, _ in receiver.received if "x-lotse-event-id" in headers]
    packages = [
        json.loads(body)["package"]["number"]
        for headers, body in receiver.received
        if "x-lotse-event-id" not in headers
    ]
    return notices, packages


async def test_two_workers_deliver_each_of_500_notices_and_500_packages_exactly_once(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await _queue_items(app, clock())
    configured = _configured(settings, receiver.url)
    first, second = await asyncio.gather(
        _work_until_empty(settings.database_url, configured, clock()),
        _work_until_empty(settings.database_url, configured, clock()),
    )
    notices, packages = _received(receiver)
    assert len(notices) == ITEMS and len(set(notices)) == ITEMS
    assert sorted(packages) == list(range(ITEMS))
    assert first + second == 2 * ITEMS and first > 0 and second > 0  # both worked, none twice
    async with app.ctx.sessions() as session:
        assert await session.scalar(select(func.count()).where(StatusNotice.state != "delivered")) == 0
        assert await session.scalar(select(func.count()).where(Delivery.state != "delivered")) == 0


async def test_a_worker_that_dies_holding_entries_loses_them_when_the_lease_ends(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await api.move("hwk", REFERENCE, "in_pre_check")
    configured = _configured(settings, receiver.url)
    claimed = await status_notices._due(app.ctx.sessions, clock(), limit=20)  # claimed, then the worker dies
    assert len(claimed) == 1
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 0
    clock.advance(seconds=CLAIM_LEASE.total_seconds() - 1)
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 0
    clock.advance(seconds=1)
    assert await status_notices.deliver_due(app.ctx.sessions, configured, clock()) == 1
    assert _received(receiver)[0] == [claimed[0].event_id]
