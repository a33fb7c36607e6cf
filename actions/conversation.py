"""What the actions read from a tracker, in one place."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.answer_or_question import Said
from bot.dialogue_repair import prompt_key
from bot.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bot.messages import message
from state_store.local_state import pseudonym


def said(tracker: Tracker) -> Said:
    """The latest message as `bot.answer_or_question` reads it: its text and the intent heard."""
    confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
    return Said(str(tracker.latest_message.get("text") or ""), latest_intent(tracker), confidence)


class ReadsTheRequestedSlot(FormValidationAction):
    """A form whose slots are all read the same way: Rasa SDK would look for one `extract_<slot>`
    method per slot; here `get_extraction_events` reads the requested slot with `read_requested`
    when it is one of `SLOTS_READ` (the form's table of the slots it reads) and still needed."""

    SLOTS_READ: Tuple[str, ...] = ()

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        slot = tracker.get_slot("requested_slot")
        needed = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        if slot not in self.SLOTS_READ or slot not in needed:
            return []
        return [SlotSet(name, value) for name, value in self.read_requested(slot, dispatcher, tracker).items()]

    @abstractmethod
    def read_requested(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """The slot events for the requested slot's answer (abstract, so the action server skips this class)."""


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
