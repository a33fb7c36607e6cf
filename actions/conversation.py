"""What the actions read from a tracker, in one place."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue_repair import prompt_key
from bot.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.messages import message
from bot.question_intents import question_intents
from state_store.local_state import pseudonym

# Intents that interrupt the intake when the model is confident; anything else is taken as the answer.
INTERJECTIONS = frozenset(
    {
        "stop",
        "request_human",
        "help",
        "switch_language",
        "bot_challenge",
        "out_of_scope",
        "delete_my_data",
        "ask_status",
        "start_pathfinder",
    }
)
INTERJECTION_CONFIDENCE = float(os.environ.get("LOTSE_INTERJECTION_CONFIDENCE", "0.9"))


def looks_like_interjection(tracker: Tracker) -> bool:
    intent = latest_intent(tracker)
    return intent in INTERJECTIONS or intent in question_intents()


def is_interjection(tracker: Tracker) -> bool:
    """A confident question or request in between, which the rules answer before the intake goes on."""
    confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
    return looks_like_interjection(tracker) and confidence >= INTERJECTION_CONFIDENCE


def is_question_in_between(tracker: Tracker, answered: bool) -> bool:
    """A confident question in between, unless the message also reads as the answer and is not
    itself a question: "60.000 Euro brutto" answers the salary question even when the NLU hears
    the salary-threshold topic in it."""
    if not is_interjection(tracker):
        return False
    return not answered or str(tracker.latest_message.get("text") or "").rstrip().endswith("?")


FORM_BOOKKEEPING = {"requested_slot", "language", "failed_attempts"}


def answered_the_form(tracker: Tracker) -> bool:
    """True when the latest message already filled a slot of the active form (so it was an
    answer, even if it also sounded like a question)."""
    if not tracker.active_loop.get("name"):
        return False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if (
            event.get("event") == "slot"
            and event.get("name") not in FORM_BOOKKEEPING
            and event.get("value") is not None
        ):
            return True
    return False


def language_of(tracker: Tracker) -> str:
    language = tracker.get_slot("language")
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")


def latest_entity(tracker: Tracker, entity: str) -> Optional[Any]:
    return next(tracker.get_latest_entity_values(entity), None)


def sender_key(tracker: Tracker) -> str:
    """A stable keyed pseudonym of the conversation (on WhatsApp its id is a phone number), so stored
    cases can be found for deletion."""
    return pseudonym(tracker.sender_id, "sender")


def client_key(tracker: Tracker) -> Optional[str]:
    """The channel's keyed hash of the client's address (REST channel), for limits per address."""
    key = (tracker.latest_message.get("metadata") or {}).get("client_key")
    return str(key) if key else None


def say(dispatcher: CollectingDispatcher, key: str, language: str, **values: str) -> None:
    """Sends one of the assistant's own messages (bot/messages.yml) in the user's language."""
    rendered = message(key, language, **values)
    dispatcher.utter_message(text=rendered.text, buttons=rendered.buttons_as_dicts())


def ask_action(slot: str, message_key: str) -> type:
    """An `action_ask_<slot>` that asks a form's question (bot/messages.yml) in the user's language;
    after two misunderstood answers it explains the question with an example instead."""

    class AskAction(Action):
        def name(self) -> Text:
            return f"action_ask_{slot}"

        async def run(
            self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
        ) -> List[Dict[Text, Any]]:
            failures = float(tracker.get_slot("failed_attempts") or 0)
            say(dispatcher, prompt_key(slot, message_key, failures), language_of(tracker))
            return []

    AskAction.__name__ = f"ActionAsk_{slot}"
    return AskAction
