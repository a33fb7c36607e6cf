"""The status of a case for its owner: the reference plus the case's e-mail address as the proof.
The backend gives the same answer for an unknown reference and a wrong e-mail; lookups are
limited per conversation here and per reference in the backend."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, Lookup
from actions.conversation import (
    ask_action,
    client_key,
    language_of,
    latest_entity,
    said,
    say,
    sender_key,
)
from actions.rate_limits import RateLimits
from bot.answer_or_question import Kind, answer_or_question
from bot.case_fields import find_email, read_reference
from bot.texts import all_texts, text

STATUS_SLOTS = ("status_reference", "status_email")
STATUS_INTENTS = frozenset({"ask_status"})
LOOKUPS_PER_SENDER_PER_HOUR = int(os.environ.get("LOTSE_STATUS_LOOKUPS_PER_SENDER_PER_HOUR", "5"))
OUTCOME_MESSAGES = {
    Lookup.NOT_FOUND: "status_not_found",
    Lookup.LIMITED: "status_too_many_lookups",
    Lookup.UNAVAILABLE: "status_unavailable",
}


def _typed(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _a_question_in_between(tracker: Tracker, found: Optional[str]) -> bool:
    """A reference or an address in a question proves nothing, hence `any_text`; `ask_status` is
    the form's own intent ("Status LT-2026-7K3QZD?")."""
    reading = answer_or_question(said(tracker), found is not None, any_text=True, form_intents=STATUS_INTENTS)
    return reading is Kind.QUESTION


class ValidateStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_status_form"

    async def extract_status_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        found = read_reference(_typed(tracker))
        if _a_question_in_between(tracker, found):
            return {}
        if found:
            return {"status_reference": found}
        if tracker.get_slot("requested_slot") != "status_reference":
            # on the way in: the case registered in this conversation, if any
            registered = tracker.get_slot("case_reference")
            return {"status_reference": registered} if registered and not tracker.get_slot("status_reference") else {}
        say(dispatcher, "status_invalid_reference", language_of(tracker))
        return {"status_reference": None}

    async def extract_status_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        found = find_email(_typed(tracker))
        if _a_question_in_between(tracker, found):
            return {}
        if found:
            return {"status_email": found}
        if tracker.get_slot("requested_slot") != "status_email":
            return {}
        say(dispatcher, "invalid_email", language_of(tracker))
        return {"status_email": None}


ASK_ACTIONS = [ask_action(slot, f"ask_{slot}") for slot in STATUS_SLOTS]


class ActionCaseStatus(Action):
    def name(self) -> Text:
        return "action_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        reference, email = (tracker.get_slot(slot) for slot in STATUS_SLOTS)
        forget = [SlotSet(slot, None) for slot in STATUS_SLOTS]
        if not reference or not email:
            return forget
        if not await asyncio.to_thread(_within_limit, sender_key(tracker)):
            say(dispatcher, "status_too_many_lookups", language)
            return forget
        outcome, answer = await BackendClient().look_up_status(
            reference, email, sender_key(tracker), client_key(tracker)
        )
        status_key = f"status_{(answer or {}).get('status')}"
        if outcome is Lookup.FOUND and status_key in all_texts():
            say(dispatcher, "status_current", language, reference=reference, status=text(status_key, language))
        else:
            say(dispatcher, OUTCOME_MESSAGES.get(outcome, "status_unavailable"), language, reference=reference)
        return forget


def _within_limit(sender: str) -> bool:
    return RateLimits().allow("status_lookups", sender, LOOKUPS_PER_SENDER_PER_HOUR, timedelta(hours=1))


# The channel tells a backend's status notice with this external intent (channels/status_notices/);
# the entities carry the notice, the action says it in the conversation's language.
NOTICE_ENTITIES = ("notice_event", "notice_reference", "notice_status")


class ActionTellStatusNotice(Action):
    def name(self) -> Text:
        return "action_tell_status_notice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        event_id, reference, status = (latest_entity(tracker, entity) for entity in NOTICE_ENTITIES)
        status_key = f"status_{status}"
        if not _from_the_channel(tracker) or not (event_id and reference) or status_key not in all_texts():
            return []  # nothing said: a typed "/EXTERNAL_status_notice{…}" is no notice
        language = language_of(tracker)
        notice = text("status_notice", language, reference=str(reference), status=text(status_key, language))
        dispatcher.utter_message(text=notice, status_notice=str(event_id))  # the BotUttered's metadata
        return []


def _from_the_channel(tracker: Tracker) -> bool:
    """Rasa marks a triggered intent `is_external`; a channel never passes that metadata on from a user."""
    return bool((tracker.latest_message.get("metadata") or {}).get("is_external"))
