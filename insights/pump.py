"""Events → facts → backend, for either source: a batch counts as delivered (acknowledged, its
cursor moved) only after the backend answered 2xx to its facts and the mapping's conversation state
is stored (insights/open_conversations.py); until then the same facts are sent again, with a growing
pause, so the mapping's state never runs ahead of what was stored.

`publish_status` writes the status file and, every REPORT_SECONDS, reports the backlog to the backend."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from insights.facts import Fact
from insights.mapping import EventMapper
from insights.open_conversations import OpenConversations
from insights.poster import FactPoster, Posted
from insights.status import Status

logger = logging.getLogger(__name__)
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0
REPORT_SECONDS = 30.0  # the backend calls the consumer stale after 3 minutes without a report


class Pump:
    def __init__(
        self,
        mapper: EventMapper,
        poster: FactPoster,
        status: Status,
        var_dir: Path,
        store: OpenConversations,
        report_seconds: float = REPORT_SECONDS,
    ) -> None:
        self.mapper, self.poster, self.status, self.var_dir = mapper, poster, status, var_dir
        self.store, self.report_seconds = store, report_seconds
        self._reported_at: Optional[float] = None

    async def deliver(self, events: Iterable[Dict[str, Any]]) -> None:
        """Maps the events and returns once their facts (and those of intakes gone idle) are stored."""
        batch = list(events)
        facts: List[Fact] = [fact for event in batch for fact in self.mapper.map(event)]
        # Idle time is measured on the stream's clock while it delivers (a backlog read after an outage
        # abandons nothing that was not idle then), on the wall clock once it has caught up.
        facts += self.mapper.expire(self.mapper.latest_timestamp if batch else time.time())
        await self.post_until_stored(facts)
        await asyncio.to_thread(self.store.save, *self.mapper.changes())
        self.status.events += len(batch)
        if self.mapper.latest_timestamp:
            self.status.last_event_at = self.mapper.latest_timestamp

    async def publish_status(self) -> None:
        """The status file every time; the backend's report when REPORT_SECONDS have passed since the last."""
        self.status.write(self.var_dir)
        now = time.monotonic()
        if self._reported_at is None or now - self._reported_at >= self.report_seconds:
            self._reported_at = now
            await self.poster.report_status(self.status.report())

    async def post_until_stored(self, facts: List[Fact]) -> None:
        pause = FIRST_RETRY_SECONDS
        while facts:
            posted = await self.poster.post(facts)
            if posted.ok:
                self._count(posted)
                return
            if posted.refused:  # one bad fact must not stop the stream: the others go one by one
                await self._post_singly(facts)
                return
            self.status.last_error_at = time.time()
            self.status.write(self.var_dir)
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_RETRY_SECONDS)

    async def _post_singly(self, facts: List[Fact]) -> None:
        for fact in facts:
            posted = await self.poster.post([fact])
            if posted.ok:
                self._count(posted)
            elif posted.refused:
                self.status.refused += 1
                logger.error("insights: the backend refused a %s fact; it is dropped", fact.kind)
            else:
                await self.post_until_stored([fact])

    def _count(self, posted: Posted) -> None:
        self.status.posted += posted.stored
        self.status.duplicates += posted.duplicates
        self.status.last_posted_at = time.time()
