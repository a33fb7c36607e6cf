"""Notices in the conversations: which cases a conversation opened (its tracker's
`case_reference` values), the notice in the conversation's language, and the told notice
recorded in the tracker like any other bot message."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, List, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.messages import text
from channels.status_notices.store import Conversation, Notice, NoticeStore

logger = logging.getLogger(__name__)
REFERENCE_SLOT = "case_reference"
NOTICE_MESSAGE = "status_notice"


def references_of(tracker: DialogueStateTracker) -> List[str]:
    """Every case reference this conversation was given, oldest first."""
    values = (event.value for event in tracker.events if isinstance(event, SlotSet) and event.key == REFERENCE_SLOT)
    return list(dict.fromkeys(value for value in values if isinstance(value, str)))


def language_of(tracker: DialogueStateTracker) -> str:
    language = tracker.get_slot("language")
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def notice_text(notice: Notice, language: str) -> str:
    status = text(f"status_{notice.status}", language)
    return text(NOTICE_MESSAGE, language, reference=notice.reference, status=status)


def agent_of(app: Any) -> Optional[Agent]:
    """The Rasa agent of the server (None while no model is loaded, or outside Rasa)."""
    agent = getattr(app.ctx, "agent", None)
    return agent if isinstance(agent, Agent) else None


async def full_tracker(agent: Agent, sender_id: str) -> Optional[DialogueStateTracker]:
    return await agent.tracker_store.retrieve_full_tracker(sender_id)


async def tell(agent: Agent, store: NoticeStore, sender_id: str, notice: Notice, output: OutputChannel) -> bool:
    """Says the notice in the conversation and records it there; False if it was told already."""
    if not store.claim(notice):
        return False
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            store.release(notice)
            return False
        message = notice_text(notice, language_of(tracker))
        try:
            await output.send_text_message(sender_id, message)
        except Exception:
            store.release(notice)
            raise
        tracker.update(BotUttered(message, metadata={"status_notice": notice.event_id}))
        await agent.tracker_store.save(tracker)
    return True


async def tell_untold(app: Any, store: NoticeStore, message: UserMessage) -> None:
    """Before a turn: tells the conversation what changed in its cases since it last wrote."""
    agent = agent_of(app)
    if agent is None or not store.has_untold():
        return
    tracker = await full_tracker(agent, message.sender_id)
    if tracker is None:
        return
    for notice in store.latest_untold(references_of(tracker)):
        await tell(agent, store, message.sender_id, notice, message.output_channel)


async def remember_cases(app: Any, store: NoticeStore, message: UserMessage) -> None:
    """After a turn in a channel that can write first: which of its cases this conversation opened."""
    agent = agent_of(app)
    if agent is None:
        return
    tracker = await full_tracker(agent, message.sender_id)
    for reference in references_of(tracker) if tracker else []:
        store.remember(reference, Conversation(str(message.input_channel), message.sender_id))


def with_status_notices(
    app: Any, store: NoticeStore, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> Callable[[UserMessage], Awaitable[None]]:
    """A turn in a channel that can write first: untold notices first, then the turn, then the
    cases this conversation opened are remembered, so the next notice reaches it at once."""

    async def handle(message: UserMessage) -> None:
        try:
            await tell_untold(app, store, message)
        except Exception as error:  # noqa: BLE001 (the notice stays untold; the user's turn must go on)
            logger.warning("status notice not told before the turn: %s", type(error).__name__)
        await on_new_message(message)
        await remember_cases(app, store, message)

    return handle
