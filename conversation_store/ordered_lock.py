"""The conversation lock store for several Rasa servers: one conversation's turns run one at a time,
in the order they arrived, whichever server takes them, and a server that dies does not hold a
conversation up for long.

Rasa 3.6's `RedisLockStore` reads a conversation's ticket lock, changes it and writes it back with no
guard: two servers receiving messages of one conversation at the same moment both read the same
lock, both write it, and both believe they hold it; the later turn then overwrites the earlier one's
events in the tracker store (RasaHQ/rasa#9213; the fix, `ConcurrentRedisLockStore`, was reverted from
the open-source edition). Measured with 2 replicas behind nginx: of 6 messages sent at once, 4 reached
the tracker (tests/e2e/test_scaled_profile.py). Here every read-modify-write of a conversation's
lock runs under a short Redis mutex (redis-py's `Lock`: SET NX with an expiry, released by token).

A ticket is a lease, not a 60-second reservation. Rasa gives each ticket a fixed lifetime
(`TICKET_LOCK_LIFETIME`, 60 s): a server killed during a turn leaves its ticket in Redis, and every
later message of that conversation, on any server, waits until it expires (issue 16 S5: 54 of 380
turns past 10 s). Here a ticket lives `LEASE_SECONDS` (5 s; `LOTSE_LOCK_LEASE_SECONDS`) and the
server that issued it renews it every a fifth of it while its turn waits or runs, from a
thread of its own (so a busy event loop does not let a live turn's ticket lapse): a live turn keeps
its place however long it takes; a dead server's ticket lapses within the lease.

endpoints.production.yml: `lock_store: {type: conversation_store.ordered_lock.OrderedRedisLockStore, url: …}`
with the keys of Rasa's `redis` lock store.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Set, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.lock import Lock

logger = logging.getLogger(__name__)

# Held only while a lock's JSON is read, changed and written (a few Redis round trips); the expiry
# frees it if a server dies in between.
GUARD_SECONDS = 5.0
GUARD_POLL_SECONDS = 0.002  # redis-py's Lock waits with time.sleep: short, since it blocks the event loop
LEASE_SECONDS = float(os.environ.get("LOTSE_LOCK_LEASE_SECONDS", "5"))
RENEWALS_PER_LEASE = 5  # a lease survives four missed renewals
# Rasa polls a held lock every second; a turn behind a finished (or lapsed) one starts sooner with this.
POLL_SECONDS = 0.1


class OrderedRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig, lease_seconds: float = LEASE_SECONDS) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)
        self.lease_seconds = lease_seconds
        self._held: Set[Tuple[str, int]] = set()  # this server's tickets: (conversation, number)
        self._held_guard = threading.Lock()
        self._renewer: threading.Thread | None = None
        self._renewer_pid = 0

    def _guard(self, conversation_id: str) -> Lock:
        return self.red.lock(
            f"{self.key_prefix}guard:{conversation_id}",
            timeout=GUARD_SECONDS,
            sleep=GUARD_POLL_SECONDS,
            blocking_timeout=GUARD_SECONDS,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A ticket with the lease as its lifetime (Rasa's 60 s is ignored), renewed until cleaned up."""
        self._ensure_renewer()
        with self._guard(conversation_id):
            ticket = super().issue_ticket(conversation_id, self.lease_seconds)
        with self._held_guard:
            self._held.add((conversation_id, ticket))
        return ticket

    def update_lock(self, conversation_id: str) -> None:
        with self._guard(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._held_guard:
            self._held.discard((conversation_id, ticket_number))
        with self._guard(conversation_id):
            super().cleanup(conversation_id, ticket_number)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        return await super()._acquire_lock(conversation_id, ticket, min(wait_time_in_seconds, POLL_SECONDS))

    def renew(self) -> int:
        """Extends every ticket this server holds or waits with by one lease; returns how many it found.
        A ticket gone from Redis lapsed (the server stalled longer than a lease): logged, since then
        another turn of that conversation may have run meanwhile."""
        with self._held_guard:
            held = sorted(self._held)
        renewed = 0
        for conversation_id, number in held:
            with self._guard(conversation_id):
                lock = self.get_lock(conversation_id)
                ticket = next((t for t in lock.tickets if t.number == number), None) if lock else None
                if ticket is None:
                    with self._held_guard:
                        still_held = (conversation_id, number) in self._held
                        self._held.discard((conversation_id, number))
                    if still_held:
                        logger.warning("a conversation lock's ticket lapsed before its turn ended")
                    continue
                ticket.expires = time.time() + self.lease_seconds
                self.save_lock(lock)
                renewed += 1
        return renewed

    def _ensure_renewer(self) -> None:
        """One renewing thread per process (started on first use, so also in a forked worker)."""
        if self._renewer is not None and self._renewer.is_alive() and self._renewer_pid == os.getpid():
            return
        self._renewer_pid = os.getpid()
        self._renewer = threading.Thread(target=self._renew_forever, name="lotse-lock-lease", daemon=True)
        self._renewer.start()

    def _renew_forever(self) -> None:
        while True:
            time.sleep(self.lease_seconds / RENEWALS_PER_LEASE)
            try:
                self.renew()
            except Exception as error:  # noqa: BLE001 (Redis away for a moment: the next round tries again)
                logger.warning("renewing conversation lock tickets failed: %s", type(error).__name__)
