"""A user's "delete my data": the cases queued from this conversation and the conversation itself.

The conversation store deletes the conversation's earlier events when it saves this turn
(conversation_store/forgetting.py); the events returned here start the conversation afresh."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, say, sender_key
from actions.outbox import Outbox


class ActionDeleteMyData(Action):
    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        await asyncio.to_thread(Outbox().forget_sender, sender_key(tracker))
        say(dispatcher, "data_deleted", language_of(tracker))
        return [AllSlotsReset(), Restarted()]
