"""A request the REST channel already answered, sent again with the same request id, gets the same
answer instead of a second turn (issue 16 S5).

Who sends one twice: nginx, which in the scaled profile passes a POST to the other Rasa server when the
first one's connection failed before an answer (it was killed during the turn), and a client that repeats
its own `X-Request-ID` when it resends (nginx keeps a well-formed one). The id becomes the Rasa message id
of the turn's `UserUttered`; a turn counts as done once Rasa saved its tracker (at the end of the turn), so:

- saved: the request is answered from the tracker — the bot messages that followed that user message,
  sent through the channel's collector as Rasa sent them the first time;
- not saved (the server died before): the turn runs, as the first try would have.

What this cannot undo: a side effect the dead turn caused before the tracker was saved (an action's call
to the backend) is caused again by the second run, as with a client's own resend.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.events import BotUttered, UserUttered

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # what nginx passes on (scripts/nginx_config.py)


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
