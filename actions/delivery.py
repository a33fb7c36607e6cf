"""Moves cases from the outbox to the backend; used by the submit action and the outbox worker."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Optional

from actions.backend_client import BackendClient, Delivery
from actions.outbox import Outbox, PendingCase


async def deliver(outbox: Outbox, client: BackendClient, case: PendingCase) -> Delivery:
    delivery = await client.create_ticket(case.body)
    if delivery.final:
        await asyncio.to_thread(outbox.mark_done, case.reference, delivery.value)
    else:
        await asyncio.to_thread(outbox.mark_retry, case.reference, case.attempts)
    return delivery


async def deliver_due(outbox: Outbox, client: BackendClient, now: Optional[datetime] = None) -> int:
    """Delivers every case that is due; returns how many the backend accepted."""
    due = await asyncio.to_thread(lambda: list(outbox.due(now)))
    accepted = 0
    for case in due:
        if (await deliver(outbox, client, case)).accepted:
            accepted += 1
    return accepted
