"""The status of the case registered in this conversation, read from the backend."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient
from actions.conversation import language_of, say
from bot.messages import all_messages, text


class ActionCaseStatus(Action):
    def name(self) -> Text:
        return "action_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        reference = tracker.get_slot("case_reference")
        if not reference:
            say(dispatcher, "status_no_case_here", language)
            return []
        answer = await BackendClient().ticket_status(reference)
        status_key = f"status_{(answer or {}).get('status')}"
        if status_key not in all_messages():
            say(dispatcher, "status_unavailable", language, reference=reference)
            return []
        say(dispatcher, "status_current", language, reference=reference, status=text(status_key, language))
        return []
