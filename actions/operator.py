"""Keeps the `assistant_of_de` / `assistant_of_en` slots equal to the operator's settings, so the
greeting and the bot-challenge responses in domain.yml name whoever runs this installation (run by
`action_extract_slots` through the slots' custom mapping)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.language import SUPPORTED_LANGUAGES
from bot.operator import assistant_of


class ActionSetOperator(Action):
    def name(self) -> Text:
        return "action_set_operator"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        wanted = {f"assistant_of_{language}": assistant_of(language) for language in SUPPORTED_LANGUAGES}
        return [SlotSet(slot, value) for slot, value in wanted.items() if tracker.get_slot(slot) != value]
