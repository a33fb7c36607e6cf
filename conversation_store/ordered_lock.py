"""The conversation lock store for several Rasa servers: one conversation's turns run one at a time,
in the order they arrived, whichever server takes them.

Rasa 3.6's `RedisLockStore` reads a conversation's ticket lock, changes it and writes it back with no
guard: two servers receiving messages of one conversation at the same moment both read the same
lock, both write it, and both believe they hold it; the later turn then overwrites the earlier one's
events in the tracker store (RasaHQ/rasa#9213; the fix, `ConcurrentRedisLockStore`, was reverted from
the open-source edition). Measured with 2 replicas behind nginx: of 6 messages sent at once, 4 reached
the tracker (tests/e2e/test_scaled_profile.py). Here every read-modify-write of a conversation's
lock runs under a short Redis mutex (redis-py's `Lock`: SET NX with an expiry, released by token).

endpoints.production.yml: `lock_store: {type: conversation_store.ordered_lock.OrderedRedisLockStore, url: …}`
with the keys of Rasa's `redis` lock store.
"""

from __future__ import annotations

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.lock import Lock

# Held only while a lock's JSON is read, changed and written (a few Redis round trips); the expiry
# frees it if a server dies in between.
GUARD_SECONDS = 5.0
GUARD_POLL_SECONDS = 0.002  # redis-py's Lock waits with time.sleep: short, since it blocks the event loop


class OrderedRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _guard(self, conversation_id: str) -> Lock:
        return self.red.lock(
            f"{self.key_prefix}guard:{conversation_id}",
            timeout=GUARD_SECONDS,
            sleep=GUARD_POLL_SECONDS,
            blocking_timeout=GUARD_SECONDS,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._guard(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._guard(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._guard(conversation_id):
            super().cleanup(conversation_id, ticket_number)
