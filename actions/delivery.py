"""Moves cases from the outbox to the backend; used by the submit action and the outbox worker.

A 409 means another case already holds the reference (30 random bits: rare, but never a reason to
lose a case): the case gets a new reference and goes again. A case the backend never takes lands
in the dead letters after `MAX_ATTEMPTS` (logged; `python -m actions.outbox status` counts them)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from actions.backend_client import BackendClient, Delivery
from actions.outbox import Outbox, PendingCase
from bot.reference import new_reference

logger = logging.getLogger(__name__)
REFERENCE_TRIES = 3
ERASURES_PER_REQUEST = 50  # the most the backend takes in one request


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    reference: str  # the case's reference in the end: a new one after a collision

    @property
    def accepted(self) -> bool:
        return self.delivery.accepted


async def deliver(outbox: Outbox, client: BackendClient, case: PendingCase) -> Outcome:
    delivery = await client.create_ticket(case.body)
    for _ in range(REFERENCE_TRIES - 1):
        if delivery is not Delivery.CONFLICT:
            break
        case = await asyncio.to_thread(_renamed, outbox, case)
        delivery = await client.create_ticket(case.body)
    if delivery.final:
        await asyncio.to_thread(outbox.mark_done, case.reference, delivery.value)
    elif await asyncio.to_thread(outbox.mark_retry, case.reference, case.attempts):
        logger.error("case %s moved to the dead letters after %d attempts", case.reference, case.attempts + 1)
    return Outcome(delivery, case.reference)


def _renamed(outbox: Outbox, case: PendingCase) -> PendingCase:
    year = int(case.reference.split("-")[1])
    reference = new_reference(year)
    logger.warning("reference %s is taken by another case: the case goes again as %s", case.reference, reference)
    return outbox.rename(case, reference)


async def deliver_due(outbox: Outbox, client: BackendClient, now: datetime | None = None) -> int:
    """Claims the due cases (one batch) and delivers them; returns how many the backend accepted."""
    due = await asyncio.to_thread(outbox.claim, now)
    accepted = 0
    for case in due:
        if (await deliver(outbox, client, case)).accepted:
            accepted += 1
    return accepted


async def send_due_erasures(outbox: Outbox, client: BackendClient, now: datetime | None = None) -> int:
    """Passes the waiting "delete my data" requests to the backend; returns how many it confirmed."""
    due = await asyncio.to_thread(outbox.erasures_due, now)
    references = [reference for reference, _ in due]
    for start in range(0, len(references), ERASURES_PER_REQUEST):
        batch = references[start : start + ERASURES_PER_REQUEST]
        if await client.request_erasure(batch):
            await asyncio.to_thread(outbox.erasures_done, batch)
            continue
        for reference, attempts in due[start : start + ERASURES_PER_REQUEST]:
            await asyncio.to_thread(outbox.erasure_retry, reference, attempts)
    return len(references)
