"""The intake form: validation, the questions, the consent and the submission of the case."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timezone
from typing import Any, Dict, List, Text

from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, Delivery
from actions.conversation import ask_action, language_of, say, sender_key
from actions.delivery import deliver
from actions.outbox import Outbox, PendingCase
from bot.case import CaseDraft, build_ticket, parse_business_type
from bot.clock import today
from bot.messages import text
from bot.pathfinder_dialogue import PATHFINDER_SLOTS
from bot.privacy import consent_texts

# Intents that interrupt the intake when the model is confident; anything else is taken as the answer.
INTERJECTIONS = frozenset(
    {"stop", "request_human", "help", "switch_language", "bot_challenge", "out_of_scope", "delete_my_data",
     "ask_status", "start_pathfinder"}
)
INTERJECTION_CONFIDENCE = float(os.environ.get("LOTSE_INTERJECTION_CONFIDENCE", "0.9"))
COMPANY_NAME_LENGTH = range(2, 201)
OCCUPATION_LENGTH = range(2, 121)
QUESTIONS = ("company_name", "business_type", "occupation", "contact_email")
SUMMARY_FIELDS = ("company_name", "business_type", "occupation", "contact_email")
FIELDS_RESET_AFTER_SUBMISSION = ("occupation", "consent")


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def looks_like_interjection(tracker: Tracker) -> bool:
    intent = str((tracker.latest_message.get("intent") or {}).get("name") or "")
    return intent in INTERJECTIONS or intent.startswith("ask_")


def is_interjection(tracker: Tracker) -> bool:
    """A confident question or request in between, which the rules answer before the intake goes on."""
    confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
    return looks_like_interjection(tracker) and confidence >= INTERJECTION_CONFIDENCE


def answer_to(slot: str, tracker: Tracker) -> Dict[Text, Any]:
    """The latest message as the answer to `slot`, if it was asked for and is one."""
    if tracker.get_slot("requested_slot") != slot or is_interjection(tracker):
        return {}
    text = str(tracker.latest_message.get("text") or "")
    return {} if text.startswith("/") else {slot: text}


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_intake_form"

    async def extract_company_name(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return answer_to("company_name", tracker)

    async def extract_business_type(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return answer_to("business_type", tracker)

    async def extract_occupation(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return answer_to("occupation", tracker)

    async def extract_contact_email(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return answer_to("contact_email", tracker)

    async def validate_company_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        name = _clean(value)
        if len(name) in COMPANY_NAME_LENGTH:
            return {"company_name": name}
        say(dispatcher, "invalid_company_name", language_of(tracker))
        return {"company_name": None}

    async def validate_business_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        business_type = parse_business_type(_clean(value))
        if business_type:
            return {"business_type": business_type}
        say(dispatcher, "invalid_business_type", language_of(tracker))
        return {"business_type": None}

    async def validate_occupation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        occupation = _clean(value)
        if len(occupation) in OCCUPATION_LENGTH:
            return {"occupation": occupation}
        say(dispatcher, "invalid_occupation", language_of(tracker))
        return {"occupation": None}

    async def validate_contact_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        address = _clean(value)
        try:
            normalised = validate_email(address, check_deliverability=False).normalized
        except EmailNotValidError:
            say(dispatcher, _email_problem(address), language_of(tracker))
            return {"contact_email": None}
        return {"contact_email": normalised}


def _email_problem(address: str) -> str:
    if "@" not in address:
        return "invalid_email_no_at"
    if "." not in address.rsplit("@", 1)[-1]:
        return "invalid_email_domain"
    return "invalid_email"


ASK_ACTIONS = [ask_action(slot, f"ask_{slot}") for slot in QUESTIONS]


def draft_from(tracker: Tracker) -> CaseDraft:
    return CaseDraft(
        company_name=tracker.get_slot("company_name"),
        contact_email=tracker.get_slot("contact_email"),
        occupation=tracker.get_slot("occupation"),
        business_type=tracker.get_slot("business_type"),
        language=language_of(tracker),
        path_answers={slot: tracker.get_slot(slot) for slot in PATHFINDER_SLOTS},
    )


def summary(draft: CaseDraft, pre_check_org: str, language: str) -> str:
    values = draft.case_fields()
    lines = []
    for field in SUMMARY_FIELDS:
        value = values.get(field)
        if field == "business_type" and value:
            value = text(f"business_type_{value}", language)
        if value:
            lines.append(f"• {text(f'summary_{field}', language)}: {value}")
    lines.append(f"• {text('summary_pre_check_org', language)}: {pre_check_org}")
    return "\n".join(lines)


class ActionAskConsent(Action):
    """Shows the summary and what happens with the data before asking for consent."""

    def name(self) -> Text:
        return "action_ask_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        draft = draft_from(tracker)
        pre_check_org = draft.routing(today()).pre_check_org.name(language)
        privacy = consent_texts(language, pre_check_org)
        say(dispatcher, "consent_request", language, summary=summary(draft, pre_check_org, language), **privacy)
        return []


class ActionSubmitCase(Action):
    def name(self) -> Text:
        return "action_submit_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        reset = [SlotSet(field, None) for field in FIELDS_RESET_AFTER_SUBMISSION]
        if tracker.get_slot("consent") is not True:
            say(dispatcher, "case_not_submitted", language)
            return reset
        ticket = build_ticket(draft_from(tracker), today(), datetime.now(timezone.utc))
        delivery = await self._submit(tracker, ticket.body)
        say(
            dispatcher,
            _outcome_message(delivery),
            language,
            reference=ticket.reference,
            link_code=ticket.link_code,
            pre_check_org=ticket.routing.pre_check_org.name(language),
        )
        return [SlotSet("case_reference", ticket.reference), *reset]

    @staticmethod
    async def _submit(tracker: Tracker, body: Dict[str, Any]) -> Delivery:
        outbox = Outbox()
        await asyncio.to_thread(outbox.put, body["reference"], sender_key(tracker), body)
        pending = PendingCase(reference=body["reference"], body=body, attempts=0)
        return await deliver(outbox, BackendClient(), pending)


def _outcome_message(delivery: Delivery) -> str:
    if delivery.accepted:
        return "case_created"
    if delivery is Delivery.UNAVAILABLE:
        return "case_queued"
    return "case_not_accepted"
