"""A request the REST channel already answered, sent again with the same request id, gets the same
answer instead of a second turn (issue 16 S5).

Who sends one twice: nginx, which in the scaled profile passes a POST to the other Rasa server when the
first one's connection failed before an answer (it was killed during the turn), and a client that repeats
its own `X-Request-ID` when it resends (nginx keeps a well-formed one). The id becomes the Rasa message id
of the turn's `UserUttered`; a turn counts as done once Rasa saved its tracker (at the end of the turn), so:

- saved: the request is answered from the tracker — the bot messages that followed that user message,
  sent through the channel's collector as Rasa sent them the first time;
- not saved (the server died before): the turn runs, as the first try would have.

Looking a turn up costs a tracker read, so it is done only for an id that may have been seen: with Redis
(`LOTSE_RATE_LIMIT_STORAGE`, the production and scaled profiles) each id is recorded (`SET NX`, kept
`SEEN_FOR_SECONDS`) and only a repeat is looked up; without Redis every request that carries an id is
looked up (the widget sends none; nginx, which always sends one, runs only with Redis).

What this cannot undo: a side effect the dead turn caused before the tracker was saved is caused again
by the second run, as with a client's own resend. The one that matters, the case submission, is kept
once per consent turn (actions/intake.py `turn_key`): the second run shows and sends the same case.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any, Optional

import redis
from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import BotUttered, UserUttered

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # what nginx passes on (scripts/nginx_config.py)


SEEN_FOR_SECONDS = 600  # longer than nginx's retry window (15 s) and a client's prompt resend
SEEN_PREFIX = "lotse_rest_request"


class SeenRequests:
    """Which request ids a Rasa server of this deployment has received, in Redis."""

    def __init__(self, url: Optional[str]) -> None:
        self._redis = redis.Redis.from_url(url) if url else None

    def certainly_new(self, request_id: str) -> bool:
        """True only when the id was recorded just now; without Redis, or when Redis fails, nothing is known."""
        if self._redis is None:
            return False
        try:
            return bool(self._redis.set(f"{SEEN_PREFIX}:{request_id}", b"1", nx=True, ex=SEEN_FOR_SECONDS))
        except redis.RedisError:
            return False


@lru_cache(maxsize=1)
def seen_requests() -> SeenRequests:
    storage = os.environ.get("LOTSE_RATE_LIMIT_STORAGE", "")
    return SeenRequests(storage if storage.startswith(("redis://", "rediss://")) else None)


def request_id(headers: Any) -> Optional[str]:
    value = headers.get("x-request-id")
    return value if isinstance(value, str) and REQUEST_ID.match(value) else None


async def replay(agent: Agent, sender_id: str, message_id: str, text: str, output: OutputChannel) -> bool:
    """Sends the stored answer of the turn with this message id and text to `output`; False if there
    is none (the turn never ran, or did not finish)."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return False
    events = list(tracker.events)
    start = next(
        (
            index
            for index, event in enumerate(events)
            if isinstance(event, UserUttered) and event.message_id == message_id and event.text == text
        ),
        None,
    )
    if start is None:
        return False
    for event in events[start + 1 :]:
        if isinstance(event, UserUttered):
            break  # the next message (or a status notice's external intent): not this turn's answers
        if isinstance(event, BotUttered):
            await output.send_response(sender_id, event.message())
    return True
