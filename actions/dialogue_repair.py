"""No dead ends: misunderstood answers are counted (the ask actions then explain the question), and a
stray "yes" or "no" outside a question takes the offer just made, asks what, or closes politely."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import topic_of, utter_topic
from actions.conversation import language_of, latest_intent, say
from bot.dialogue_repair import names_the_problem, reply_to_yes_no
from bot.short_answers import read_yes_no

# A taken offer that starts a form runs the form next; any other offer is an answer topic.
FORM_OF_PAYLOAD = {"/start_intake": "intake_form", "/start_pathfinder": "pathfinder_form"}
FAILURES_SLOT = "failed_attempts"


class CountsFailures:
    """Mixed into a form validation (before FormValidationAction) to keep the count of misunderstood
    answers: rasa-sdk returns only the form's own slots after validation and would drop it, so every
    failure would count as the first. Not an Action itself, so the action server does not register it."""

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        validation: FormValidationAction = super()
        events = await validation.get_validation_events(dispatcher, tracker, domain)
        recent = tracker.slots_to_validate()
        if FAILURES_SLOT in recent:
            events.append(SlotSet(FAILURES_SLOT, recent[FAILURES_SLOT]))
        return events


def count_failure(dispatcher: CollectingDispatcher, tracker: Tracker, problem: str) -> float:
    """Says what is wrong with the answer and counts it; after the second failure the form's
    question is replaced by its explanation with an example (bot/dialogue_repair.prompt_key)."""
    failures = float(tracker.get_slot(FAILURES_SLOT) or 0) + 1
    if names_the_problem(failures):
        say(dispatcher, problem, language_of(tracker))
    return failures


def last_bot_message(tracker: Tracker) -> Tuple[str, Optional[str], List[str]]:
    """The text of what the assistant said last before this message, its domain response name and the
    payloads of its buttons."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            response = (event.get("metadata") or {}).get("utter_action")
            buttons = (event.get("data") or {}).get("buttons") or []
            return str(event.get("text") or ""), response, [str(button.get("payload")) for button in buttons]
    return "", None, []


class ActionReplyToYesNo(Action):
    """A "yes" or "no" outside any question of a form."""

    def name(self) -> Text:
        return "action_reply_to_yes_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        typed = str(tracker.latest_message.get("text") or "")
        answer = read_yes_no(typed) or ("no" if latest_intent(tracker) == "deny" else "yes")
        last_text, last_response, offered = last_bot_message(tracker)
        reply = reply_to_yes_no(answer, last_text, last_response, offered)
        if reply.payload in FORM_OF_PAYLOAD:
            return [FollowupAction(FORM_OF_PAYLOAD[reply.payload])]
        if reply.payload:
            utter_topic(dispatcher, topic_of(reply.payload.lstrip("/")), language, {})
        elif reply.message_key:
            say(dispatcher, reply.message_key, language)
        else:
            dispatcher.utter_message(response=reply.response)
        return []
