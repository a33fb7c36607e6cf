"""Counselling answers rendered from the knowledge file, and the fallback that never loops."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import answered_the_form, language_of, latest_entity, latest_intent, say
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
        params = {name: str(value) for name in TOPIC_PARAMETERS if (value := latest_entity(tracker, name)) is not None}
        if not answered_the_form(tracker):
            utter_topic(dispatcher, topic_of(latest_intent(tracker)), language_of(tracker), params)
        return []


NOT_ACTIONS = {"action_listen", "action_extract_slots"}
NOT_A_CLARIFICATION = {FALLBACK, "inform", "correct_field", "affirm", "deny"}


def fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many user messages in a row, this one included, ended in this fallback."""
    responses: List[str] = []
    for event in tracker.events:
        if event.get("event") == "user":
            responses.append("")
        elif (
            event.get("event") == "action" and responses and not responses[-1] and event.get("name") not in NOT_ACTIONS
        ):
            responses[-1] = str(event.get("name"))
    streak = 0
    for response in reversed(responses):
        if response not in ("", ActionHandleFallback.NAME):
            break
        streak += 1
    return streak


def likely_intents(tracker: Tracker) -> List[str]:
    ranking = tracker.latest_message.get("intent_ranking") or []
    known = all_titles()
    names = [entry.get("name") for entry in ranking]
    return [name for name in names if name in known and name not in NOT_A_CLARIFICATION][:CLARIFY_WITH_AT_MOST]


class ActionHandleFallback(Action):
    """First a "Did you mean …?" with buttons, then, if that fails too, a human contact."""

    NAME = "action_handle_fallback"

    def name(self) -> Text:
        return self.NAME

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
        # Inside a form, forget the message so the form goes on where it was.
        return [UserUtteranceReverted()] if tracker.active_loop.get("name") else []

    @staticmethod
    def _clarify(dispatcher: CollectingDispatcher, tracker: Tracker, language: str) -> None:
        options = likely_intents(tracker) + ["request_human"]
        buttons = [{"title": title_of(intent, language), "payload": f"/{intent}"} for intent in dict.fromkeys(options)]
        dispatcher.utter_message(text=text("clarify", language), buttons=buttons)
