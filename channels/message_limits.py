"""Per-client message limits on the public channels: the REST channel counts per client address
(keyed hash), WhatsApp per phone number, Telegram per conversation, so one client cannot flood the
assistant and no client shares a bucket with another.

`limits` (moving window): in memory in the embedded default (one Rasa process), in Redis when
`LOTSE_RATE_LIMIT_STORAGE` is a `redis://` URL (production, several processes); both count
atomically (a lock in memory, a Lua script in Redis). `LOTSE_MESSAGE_RATE` is the limit in `limits`'
notation, e.g. `30/minute;300/hour`.
"""

from __future__ import annotations

import asyncio
import os
from functools import lru_cache

from limits import RateLimitItem, parse_many, storage, strategies

from state_store.local_state import pseudonym

DEFAULT_RATE = "30/minute;300/hour"
DEFAULT_STORAGE = "memory://"
NOTICE_RATE = "1/minute"  # a refused client is told at most this often


class MessageLimiter:
    def __init__(self, rate: str = DEFAULT_RATE, storage_uri: str = DEFAULT_STORAGE) -> None:
        self._limits: list[RateLimitItem] = parse_many(rate)
        self._notice = parse_many(NOTICE_RATE)[0]
        self._storage = storage.storage_from_string(storage_uri)  # the strategy holds only a weak reference
        self._strategy = strategies.MovingWindowRateLimiter(self._storage)
        # counting in memory takes microseconds and waits for nothing: no worker thread for it
        self._in_memory = storage_uri.startswith("memory://")

    @classmethod
    def from_env(cls) -> MessageLimiter:
        return cls(
            os.environ.get("LOTSE_MESSAGE_RATE") or DEFAULT_RATE,
            os.environ.get("LOTSE_RATE_LIMIT_STORAGE") or DEFAULT_STORAGE,
        )

    def _allow(self, channel: str, client: str) -> bool:
        key = _pseudonym(client)
        return all(self._strategy.hit(limit, "lotse_messages", channel, key) for limit in self._limits)

    def _tell(self, channel: str, client: str) -> bool:
        return self._strategy.hit(self._notice, "lotse_refusal_notice", channel, _pseudonym(client))

    async def allow(self, channel: str, client: str) -> bool:
        """Counts one message of the client; False once it is over the limit."""
        if self._in_memory:
            return self._allow(channel, client)
        return await asyncio.to_thread(self._allow, channel, client)

    async def should_tell(self, channel: str, client: str) -> bool:
        """Whether a refused client gets the 'slow down' text now (not for every refused message)."""
        if self._in_memory:
            return self._tell(channel, client)
        return await asyncio.to_thread(self._tell, channel, client)


def _pseudonym(client: str) -> str:
    """The storage (Redis in production) never holds a phone number or chat id in clear."""
    return pseudonym(client, "message-limit")[:32]


@lru_cache(maxsize=1)
def shared_limiter() -> MessageLimiter:
    """One limiter per Rasa process, shared by its channels."""
    return MessageLimiter.from_env()
