"""Notices in the conversations: which cases a conversation opened (its tracker's
`case_reference` values), and telling a notice there through Rasa's own API for external events:
the channel triggers the intent `EXTERNAL_status_notice` with the notice as entities (what
`POST /conversations/<id>/trigger_intent` does, in process), and the bot's rule runs
`action_tell_status_notice`, which says it in the conversation's language (actions/status.py)."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from channels.status_notices.store import Conversation, Notice, NoticeStore

logger = logging.getLogger(__name__)
REFERENCE_SLOT = "case_reference"
NOTICE_INTENT = "EXTERNAL_status_notice"
TOLD_MARK = "status_notice"  # the metadata key of the bot's message that told a notice


def references_of(tracker: DialogueStateTracker) -> List[str]:
    """Every case reference this conversation was given, oldest first."""
    values = (event.value for event in tracker.events if isinstance(event, SlotSet) and event.key == REFERENCE_SLOT)
    return list(dict.fromkeys(value for value in values if isinstance(value, str)))


def agent_of(app: Any) -> Optional[Agent]:
    """The Rasa agent of the server (None while no model is loaded, or outside Rasa)."""
    agent = getattr(app.ctx, "agent", None)
    return agent if isinstance(agent, Agent) else None


async def full_tracker(agent: Agent, sender_id: str) -> Optional[DialogueStateTracker]:
    return await agent.tracker_store.retrieve_full_tracker(sender_id)


def notice_entities(notice: Notice) -> List[Dict[str, str]]:
    return [
        {"entity": "notice_event", "value": notice.event_id},
        {"entity": "notice_reference", "value": notice.reference},
        {"entity": "notice_status", "value": notice.status},
    ]


def told_in(tracker: DialogueStateTracker, notice: Notice) -> bool:
    return any(
        isinstance(event, BotUttered) and (event.metadata or {}).get(TOLD_MARK) == notice.event_id
        for event in tracker.events
    )


async def tell(
    agent: Agent,
    store: NoticeStore,
    sender_id: str,
    notice: Notice,
    output: OutputChannel,
    unconfirmed: Optional[List[Notice]] = None,
) -> bool:
    """Lets the bot tell the notice in the conversation; False if another turn or replica told it
    already, or it cannot be told now (no model that knows the intent, a form is asking its questions,
    the bot said nothing): then the notice stays untold and a later turn outside a form tells it.

    An output channel that sends at once (Teams, WhatsApp, Telegram) has sent it when this returns: the
    notice counts as told. A collecting one (the REST channel) has not: pass `unconfirmed`, which gets the
    notice, and confirm (`NoticeStore.confirm`) once the answer went out, or release it."""
    if agent.processor is None or NOTICE_INTENT not in agent.domain.intents:
        return False  # no model, or one trained before the rule: it would answer with its fallback
    if not store.claim(notice):
        return False
    try:
        told = await _trigger_notice(agent, sender_id, notice, output)
    except BaseException:  # also a cancelled turn (the client went away): told again later
        store.release(notice)
        raise
    if not told:
        store.release(notice)
    elif unconfirmed is None:
        store.confirm(notice)
    else:
        unconfirmed.append(notice)
    return told


async def _trigger_notice(agent: Agent, sender_id: str, notice: Notice, output: OutputChannel) -> bool:
    async with agent.lock_store.lock(sender_id):
        if await agent.tracker_store.retrieve(sender_id) is None:
            return False  # the conversation is gone (retention, "delete my data"): none is started
        tracker = await agent.processor.fetch_tracker_and_update_session(sender_id, output)
        if tracker.active_loop_name:
            return False  # not in the middle of a form's question; told after it
        await agent.trigger_intent(NOTICE_INTENT, notice_entities(notice), output, tracker)
    return told_in(tracker, notice)


async def tell_untold(
    app: Any, store: NoticeStore, message: UserMessage, unconfirmed: Optional[List[Notice]] = None
) -> None:
    """Before a turn: tells the conversation what changed in its cases since it last wrote
    (`unconfirmed`: see `tell`)."""
    agent = agent_of(app)
    if agent is None or not store.has_untold():
        return
    tracker = await full_tracker(agent, message.sender_id)
    if tracker is None:
        return
    for notice in store.latest_untold(references_of(tracker)):
        await tell(agent, store, message.sender_id, notice, message.output_channel, unconfirmed)


def settle(store: NoticeStore, notices: List[Notice], delivered: bool) -> None:
    """After the answer that told `notices`: confirmed if it went out, else released to be told again."""
    for notice in notices:
        if delivered:
            store.confirm(notice)
        else:
            store.release(notice)


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
