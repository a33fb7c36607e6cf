"""After a turn: a "delete my data" the conversation asked for is carried out on the Rasa side — the
conversation's events before it (the tracker store), which cases it opened and their notices (the
status-notice store) and what the connectors kept for it (the connector store). The action server
has already dropped the cases it queued and asked the backend to erase the delivered ones
(actions/data_deletion.py)."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage

from channels.connector_store import ConnectorStore
from channels.status_notices.conversations import agent_of, references_of
from channels.status_notices.store import shared_store
from conversation_store.forgetting import forget_requested

logger = logging.getLogger(__name__)


async def carry_out_erasure(app: Any, sender_id: str) -> bool:
    """True when the conversation had asked for its data to be deleted and now is forgotten. A failure
    is logged, not raised (the user has had the turn's answer); the request stays in the conversation,
    so the next turn carries it out."""
    try:
        return await _carry_out(app, sender_id)
    except Exception as error:  # noqa: BLE001
        logger.error("a requested deletion could not be carried out yet: %s", type(error).__name__)
        return False


async def _carry_out(app: Any, sender_id: str) -> bool:
    agent = agent_of(app)
    if agent is None:
        return False
    async with agent.lock_store.lock(sender_id):
        forgotten = await forget_requested(agent.tracker_store, sender_id)
    if forgotten is None:
        return False
    shared_store().forget_conversation(sender_id, references_of(forgotten))
    ConnectorStore.shared().forget_conversation(sender_id)
    logger.info("a conversation's data was deleted at its request")
    return True


def with_erasure(
    app: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> Callable[[UserMessage], Awaitable[None]]:
    """The turn, then the deletion it may have asked for."""

    async def handle(message: UserMessage) -> None:
        await on_new_message(message)
        await carry_out_erasure(app, message.sender_id)

    return handle
