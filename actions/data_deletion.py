"""A user's "delete my data" (GDPR Art. 17), the action server's part: the cases this conversation
queued lose their personal data here, and the backend is asked to erase the cases it already has
(not forwarded yet: erased at once; forwarded: marked for staff, Art. 17(3)). The request waits in the
outbox until the backend confirms it.

The Rasa side then forgets the conversation itself, its notices and connector state, once this turn is
stored (channels/erasure.py); the events returned here start the conversation afresh."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient
from actions.conversation import language_of, say, sender_key
from actions.delivery import send_due_erasures
from actions.outbox import Outbox

REFERENCE_SLOT = "case_reference"


def references_of(tracker: Tracker) -> List[str]:
    """Every case reference this conversation was given (the slot's values over the conversation)."""
    values = (
        event.get("value")
        for event in tracker.events
        if event.get("event") == "slot" and event.get("name") == REFERENCE_SLOT
    )
    return list(dict.fromkeys(value for value in values if isinstance(value, str)))


def _forget_and_queue(outbox: Outbox, sender: str, references: List[str]) -> None:
    delivered = outbox.delivered_references(sender)
    outbox.forget_sender(sender)
    outbox.queue_erasures(list(dict.fromkeys([*references, *delivered])))


class ActionDeleteMyData(Action):
    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        outbox = Outbox()
        await asyncio.to_thread(_forget_and_queue, outbox, sender_key(tracker), references_of(tracker))
        await send_due_erasures(outbox, BackendClient())
        say(dispatcher, "data_deleted", language_of(tracker))
        return [AllSlotsReset(), Restarted()]
