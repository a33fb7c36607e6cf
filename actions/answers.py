"""Counselling answers rendered from the knowledge file, and the fallback that never loops."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import language_of, latest_entity, latest_intent, say
from bot.answers import render
from bot.clock import today
from bot.intent_titles import all_titles, title_of
from bot.language import LANGUAGE_DETECTION, Detection, is_foreign
from bot.messages import text

TOPIC_PARAMETERS = ("residence_title", "occupation")
TOPIC_OF_INTENT = {"help": "capabilities", "request_human": "human_contact"}
FALLBACK = "nlu_fallback"
CLARIFY_WITH_AT_MOST = 2


def topic_of(intent: str) -> str:
    return TOPIC_OF_INTENT.get(intent) or intent.removeprefix("ask_")


def utter_topic(dispatcher: CollectingDispatcher, topic: str, language: str, params: Dict[str, str]) -> None:
    answer = render(topic, language, today(), params)
    buttons = [{"title": title, "payload": payload} for title, payload in answer.buttons]
    dispatcher.utter_message(text=answer.text, buttons=buttons)


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        params = {
            name: str(value)
            for name in TOPIC_PARAMETERS
            if (value := latest_entity(tracker, name)) is not None
        }
        utter_topic(dispatcher, topic_of(latest_intent(tracker)), language_of(tracker), params)
        return []


def fallbacks_in_a_row(tracker: Tracker) -> int:
    streak = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != FALLBACK:
            break
        streak += 1
    return streak


def likely_intents(tracker: Tracker) -> List[str]:
    ranking = tracker.latest_message.get("intent_ranking") or []
    known = all_titles()
    names = [entry.get("name") for entry in ranking]
    return [name for name in names if name in known and name != FALLBACK][:CLARIFY_WITH_AT_MOST]


class ActionHandleFallback(Action):
    """First a "Did you mean …?" with buttons, then, if that fails too, a human contact."""

    def name(self) -> Text:
        return "action_handle_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        detection = Detection.from_dict(tracker.latest_message.get(LANGUAGE_DETECTION) or {})
        if is_foreign(detection):
            say(dispatcher, "unsupported_language", language)
        elif fallbacks_in_a_row(tracker) >= 2:
            utter_topic(dispatcher, "human_contact", language, {})
        else:
            self._clarify(dispatcher, tracker, language)
        return []

    @staticmethod
    def _clarify(dispatcher: CollectingDispatcher, tracker: Tracker, language: str) -> None:
        options = likely_intents(tracker) + ["request_human"]
        buttons = [{"title": title_of(intent, language), "payload": f"/{intent}"} for intent in dict.fromkeys(options)]
        dispatcher.utter_message(text=text("clarify", language), buttons=buttons)
