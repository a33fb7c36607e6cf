"""Keeps the `language` slot right after every user message (run by `action_extract_slots`
through the slot's custom mapping)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_entity, latest_intent
from bot.language import (
    LANGUAGE_DETECTION,
    SUPPORTED_LANGUAGES,
    Detection,
    LanguagePolicy,
    LanguageState,
    choose_language,
    normalise_language,
)

POLICY = LanguagePolicy.from_env()


def explicit_request(tracker: Tracker) -> Optional[str]:
    if latest_intent(tracker) != "switch_language":
        return None
    requested = normalise_language(latest_entity(tracker, "language"))
    if requested:
        return requested
    current = tracker.get_slot("language")
    return next((language for language in SUPPORTED_LANGUAGES if language != current), None)


class ActionSetLanguage(Action):
    def name(self) -> Text:
        return "action_set_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message
        detection = Detection.from_dict(message.get(LANGUAGE_DETECTION) or {})
        channel = normalise_language((message.get("metadata") or {}).get("language"))
        state = LanguageState(tracker.get_slot("language"), tracker.get_slot("channel_language"))
        language = choose_language(state, detection, channel, explicit_request(tracker), POLICY)
        events = []
        if language != state.current:
            events.append(SlotSet("language", language))
        if channel and channel != state.last_channel_language:
            events.append(SlotSet("channel_language", channel))
        return events
