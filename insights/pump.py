"""Events → facts → backend, for either source: a batch counts as delivered (acknowledged, its
cursor moved) only after the backend answered 2xx to its facts; until then the same facts are sent
again, with a growing pause, so the mapping's state never runs ahead of what was stored."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List

from insights.facts import Fact
from insights.mapping import EventMapper
from insights.poster import FactPoster, Posted
from insights.status import Status

logger = logging.getLogger(__name__)
FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0


class Pump:
    def __init__(self, mapper: EventMapper, poster: FactPoster, status: Status, var_dir: Path) -> None:
        self.mapper, self.poster, self.status, self.var_dir = mapper, poster, status, var_dir

    async def deliver(self, events: Iterable[Dict[str, Any]]) -> None:
        """Maps the events and returns once their facts (and those of intakes gone idle) are stored."""
        batch = list(events)
        facts: List[Fact] = [fact for event in batch for fact in self.mapper.map(event)]
        # Idle time is measured on the stream's clock while it delivers (a backlog read after an outage
        # abandons nothing that was not idle then), on the wall clock once it has caught up.
        facts += self.mapper.expire(self.mapper.latest_timestamp if batch else time.time())
        await self.post_until_stored(facts)
        self.status.events += len(batch)

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
