"""The intake form: validation, the questions, the consent and the submission of the case."""

from __future__ import annotations

import asyncio
import os
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Text, Tuple

from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import START_INTAKE, answer_question_asked_with_the_intake
from actions.backend_client import BackendClient, Delivery
from actions.conversation import (
    ReadsTheRequestedSlot,
    ask_action,
    language_of,
    latest_entity,
    latest_intent,
    said,
    say,
    sender_key,
)
from actions.delivery import Outcome, deliver
from actions.dialogue_repair import CountsFailures, count_failure
from actions.insights import intake_completed_insight
from actions.outbox import Outbox, PendingCase
from actions.pathfinder import read_answer
from actions.rate_limits import RateLimits
from bot.answer_or_question import INTERJECTION_CONFIDENCE, Kind, answer_or_question
from bot.case import CaseDraft, build_ticket, parse_business_type
from bot.case_fields import find_email, find_phone, read_country, read_phone, read_start_date
from bot.clock import today
from bot.intake_plan import (
    ASK_WHICH_FIELD,
    OUTSIDE_REGION,
    PLACE_FIELDS,
    SKIPPED,
    correctable,
    display_value,
    field_label,
    field_named,
    field_to_correct,
    optional,
    questions_needed,
    summary_lines,
)
from bot.pathfinder_dialogue import PATHFINDER_SLOTS
from bot.privacy import consent_texts
from bot.routing import find_place
from bot.short_answers import read_family_count, read_nationality

COMPANY_NAME_LENGTH = range(2, 201)
OCCUPATION_LENGTH = range(2, 121)
CONTACT_NAME_LENGTH = range(3, 101)
SKIP_CHOICE = "skip"  # the payload of the "skip" / "not known yet" buttons
INTAKE_SLOTS = (
    "company_name",
    "business_type",
    "workplace_municipality",
    "occupation",
    "nationality",
    "country_of_residence",
    "start_date",
    "family_members",
    "residence_municipality",
    "contact_name",
    "contact_email",
    "contact_phone",
)
FIELDS_RESET_AFTER_SUBMISSION = ("consent",)
CASES_PER_SENDER_PER_DAY = int(os.environ.get("LOTSE_CASES_PER_SENDER_PER_DAY", "5"))
CASES_PER_ADDRESS_PER_DAY = int(os.environ.get("LOTSE_CASES_PER_ADDRESS_PER_DAY", "20"))
Reading = Tuple[Optional[Any], str]  # (canonical value or None, message key explaining the problem)


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _bounded(typed: str, length: range, problem: str) -> Reading:
    return (typed if len(typed) in length and not typed.startswith("/") else None), problem


def _email(typed: str) -> Reading:
    try:
        return validate_email(typed, check_deliverability=False).normalized, "invalid_email"
    except EmailNotValidError:
        if "@" not in typed:
            return None, "invalid_email_no_at"
        if "." not in typed.rsplit("@", 1)[-1]:
            return None, "invalid_email_domain"
        return None, "invalid_email"


def _place_id(typed: str, last_first: bool = False) -> Optional[str]:
    """The municipality named in the text ("Garbsn", "in 30823 Garbsen", "Steinhude"); with
    `last_first`, the last one named ("nicht Laatzen, sondern Hemmingen")."""
    found = find_place(typed, last_first)
    return found.municipality.id if found.kind == "municipality" and found.municipality else None


PLACE_PROBLEMS = {  # what find_place found -> the message, per question
    "workplace_municipality": {
        "region": "municipality_which_town",
        "outside": "municipality_outside_region",
        "unknown": "invalid_municipality",
    },
    "residence_municipality": {
        "region": "residence_which_town",
        "outside": "residence_outside_region",
        "unknown": "invalid_residence",
    },
}


# A place outside the Region, or the Region as a whole, is an answer understood: it is told what to do,
# but it does not count as a misunderstood answer (which leads to the explanation with an example).
UNDERSTOOD_PLACE_PROBLEMS = frozenset(
    message for problems in PLACE_PROBLEMS.values() for kind, message in problems.items() if kind != "unknown"
)


def _municipality(slot: str, typed: str, choice: Optional[str]) -> Reading:
    problems = PLACE_PROBLEMS[slot]
    if choice == "outside_region":
        return OUTSIDE_REGION, problems["unknown"]
    if choice == SKIP_CHOICE:
        return SKIPPED, problems["unknown"]
    found = find_place(typed)
    if found.kind == "municipality" and found.municipality:
        return found.municipality.id, problems["unknown"]
    return None, problems[found.kind]


# Any text reads as one of these, so a confident question there is always taken as a question.
FREE_TEXT_SLOTS = ("company_name", "occupation", "contact_name")


def read_field(slot: str, tracker: Tracker) -> Reading:
    """The canonical value of the latest message as the answer to `slot`."""
    typed = _clean(tracker.latest_message.get("text"))
    choice = latest_entity(tracker, "choice")
    if choice == SKIP_CHOICE and optional(slot):
        return SKIPPED, ""
    if slot.startswith("pf_"):
        return read_answer(slot, tracker)
    readers: Dict[str, Callable[[], Reading]] = {
        "company_name": lambda: _bounded(typed, COMPANY_NAME_LENGTH, "invalid_company_name"),
        "business_type": lambda: (
            parse_business_type(str(latest_entity(tracker, "business_type") or typed)),
            "invalid_business_type",
        ),
        "workplace_municipality": lambda: _municipality("workplace_municipality", typed, choice),
        "occupation": lambda: _bounded(typed, OCCUPATION_LENGTH, "invalid_occupation"),
        "nationality": lambda: (read_nationality(typed), "invalid_country"),
        "country_of_residence": lambda: (read_country(typed), "invalid_country"),
        "start_date": lambda: (_iso(read_start_date(typed, today())), "invalid_start_date"),
        "family_members": lambda: (read_family_count(str(choice or typed)), "invalid_family_members"),
        "residence_municipality": lambda: _municipality("residence_municipality", typed, choice),
        "contact_name": lambda: _bounded(typed, CONTACT_NAME_LENGTH, "invalid_contact_name"),
        "contact_email": lambda: _email(typed),
        "contact_phone": lambda: (read_phone(typed), "invalid_phone"),
    }
    return readers[slot]()


def _iso(day: Optional[date]) -> Optional[str]:
    return day.isoformat() if day else None


class ValidateIntakeForm(CountsFailures, ReadsTheRequestedSlot):
    SLOTS_READ = (*INTAKE_SLOTS, *PATHFINDER_SLOTS)  # each by its reader in `read_field`

    def name(self) -> Text:
        return "validate_intake_form"

    def read_requested(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        value, problem = read_field(slot, tracker)
        reading = answer_or_question(said(tracker), value is not None, any_text=slot in FREE_TEXT_SLOTS)
        if reading in (Kind.QUESTION, Kind.PROBABLE_QUESTION):
            return {}  # a question in between: the rules answer it, then the form asks again
        if reading is Kind.ANSWER:
            return {slot: value, "failed_attempts": 0.0}
        if problem in UNDERSTOOD_PLACE_PROBLEMS:
            say(dispatcher, problem, language_of(tracker))
            return {slot: None}
        return {slot: None, "failed_attempts": count_failure(dispatcher, tracker, problem)}

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[Text, Any]]:
        if tracker.get_slot("requested_slot") is None and latest_intent(tracker) == START_INTAKE:
            answer_question_asked_with_the_intake(dispatcher, tracker)
        if not is_correction(tracker):
            return await super().run(dispatcher, tracker, domain)
        events = correct(dispatcher, tracker)
        if not any(event.get("name") == "requested_slot" for event in events):
            tracker.add_slots(events)
            events.append(await self.next_requested_slot(dispatcher, tracker, domain))
        return events

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return questions_needed({slot: tracker.get_slot(slot) for slot in (*INTAKE_SLOTS, *PATHFINDER_SLOTS)})


ASK_ACTIONS = [ask_action(slot, f"ask_{slot}") for slot in INTAKE_SLOTS] + [
    ask_action(ASK_WHICH_FIELD, "correction_which_field")
]
CORRECTION_INTENT = "correct_field"


def _mentions(tracker: Tracker, typed: str) -> Dict[str, bool]:
    """Which kinds of value a correction names: a place, an e-mail address, a phone number."""
    return {
        "place": latest_entity(tracker, "municipality") is not None or _place_id(typed) is not None,
        "email": find_email(typed) is not None,
        "phone": find_phone(typed) is not None,
    }


def is_correction(tracker: Tracker) -> bool:
    """ "Die E-Mail ist falsch", "nein, Garbsen" at the summary, or the answer to "which detail?"."""
    requested, intent = tracker.get_slot("requested_slot"), latest_intent(tracker)
    if requested == ASK_WHICH_FIELD:
        return True
    named = correctable(latest_entity(tracker, "field"))
    typed = _clean(tracker.latest_message.get("text"))
    if intent == CORRECTION_INTENT:
        confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
        return bool(named) or confidence >= INTERJECTION_CONFIDENCE or any(_mentions(tracker, typed).values())
    at_summary = requested == "consent" and intent in ("deny", "inform")
    return at_summary and (bool(named) or any(_mentions(tracker, typed).values()))


def _answered_latest_first(tracker: Tracker) -> List[str]:
    names = [
        event.get("name") for event in reversed(tracker.events) if event.get("event") == "slot" and event.get("value")
    ]
    return [str(name) for name in dict.fromkeys(names) if correctable(name)]


def _corrected_value(slot: str, tracker: Tracker, typed: str) -> Optional[Any]:
    """The new value when the correction carries one ("nein, Garbsen", "die Mail ist a@b.de")."""
    if slot in PLACE_FIELDS:  # the whole text first: "nein, Peine bei Hannover" is not Hannover
        found = find_place(typed, last_first=True)
        named = latest_entity(tracker, "municipality")
        if found.kind == "unknown" and named:
            return _place_id(str(named))
        return found.municipality.id if found.kind == "municipality" and found.municipality else None
    if slot == "contact_email":
        return find_email(typed)
    if slot == "contact_phone":
        return find_phone(typed)
    return None


def correct(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Applies a correction: the new value at once if the message has it, else the field is asked
    again; the consent is asked again (with the new summary) either way."""
    language, typed = language_of(tracker), _clean(tracker.latest_message.get("text"))
    reset = [SlotSet("consent", None), SlotSet("failed_attempts", 0.0)]
    requested = tracker.get_slot("requested_slot")
    # at the summary a place means the workplace (it decides the routing); during the form, the place just given
    recent = [] if requested == "consent" else _answered_latest_first(tracker)
    slot = field_to_correct(latest_entity(tracker, "field"), _mentions(tracker, typed), recent)
    if slot is None and requested == ASK_WHICH_FIELD:
        slot = field_named(typed)
    elif slot is None and requested != "consent":
        slot = next(iter(_answered_latest_first(tracker)), None)  # "Moment, das war falsch": the last answer
    if slot is None:
        return [*reset, SlotSet("requested_slot", ASK_WHICH_FIELD)]
    value = _corrected_value(slot, tracker, typed)
    if value is None:
        say(dispatcher, "correction_ask_again", language, field=field_label(slot, language))
        return [*reset, SlotSet(slot, None), SlotSet("requested_slot", slot)]
    shown = display_value(slot, value, language)
    say(dispatcher, "correction_applied", language, field=field_label(slot, language), value=shown)
    return [*reset, SlotSet(slot, value)]


def draft_from(tracker: Tracker) -> CaseDraft:
    answers = {slot: tracker.get_slot(slot) for slot in (*INTAKE_SLOTS, *PATHFINDER_SLOTS)}
    return CaseDraft(answers=answers, language=language_of(tracker))


class ActionAskConsent(Action):
    """Shows the summary, the routing, any no-prospect finding and the privacy terms, then asks."""

    def name(self) -> Text:
        return "action_ask_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language, day = language_of(tracker), today()
        draft = draft_from(tracker)
        routing = draft.routing(day)
        lines = summary_lines(draft.case_fields(), routing, draft.findings(day), language)
        privacy = consent_texts(language, routing.pre_check_org.name(language))
        say(dispatcher, "consent_request", language, summary="\n".join(lines), **privacy)
        return []


class ActionSubmitCase(Action):
    def name(self) -> Text:
        return "action_submit_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        reset = [SlotSet(field, None) for field in FIELDS_RESET_AFTER_SUBMISSION]
        if tracker.get_slot("workplace_municipality") == OUTSIDE_REGION:
            say(dispatcher, "outside_region", language)
            return [*reset, SlotSet("workplace_municipality", None)]
        if tracker.get_slot("consent") is not True:
            say(dispatcher, "case_not_submitted", language)
            return reset
        key = turn_key(tracker)
        earlier = await asyncio.to_thread(Outbox().case_of_turn, key) if key else None
        if earlier is None:  # a new case, unless this conversation or its address has had enough today
            refusal = await asyncio.to_thread(_over_limit, tracker)
            if refusal:
                say(dispatcher, refusal, language)
                return reset
        ticket = build_ticket(draft_from(tracker), today(), datetime.now(timezone.utc))
        outcome, body = await self._submit(tracker, ticket.body, key)
        say(
            dispatcher,
            _outcome_message(outcome.delivery),
            language,
            reference=outcome.reference,
            link_code=str(body.get("candidate_link_code") or ticket.link_code),
            pre_check_org=ticket.routing.pre_check_org.name(language),
        )
        if outcome.delivery.accepted or outcome.delivery is Delivery.UNAVAILABLE:  # created, or queued in the outbox
            dispatcher.utter_message(insight=intake_completed_insight())
        return [SlotSet("case_reference", outcome.reference), *reset]

    @staticmethod
    async def _submit(tracker: Tracker, body: Dict[str, Any], key: Optional[str]) -> Tuple[Outcome, Dict[str, Any]]:
        """Stores and sends the case; the case of an earlier run of this turn instead, if there is one:
        its reference and body (link code, consent time) again, so the backend answers `200`, not a new ticket."""
        outbox = Outbox()
        stored = await asyncio.to_thread(outbox.put, body["reference"], sender_key(tracker), body, True, key)
        if stored is not None and stored.reference != body["reference"]:  # stored by an earlier run of this turn
            if stored.body is None:  # erased since ("delete my data"): nothing to send or show again
                return Outcome(Delivery.REJECTED, stored.reference), body
            if stored.outcome is not None:  # the earlier run delivered it (or the backend refused it)
                return Outcome(_settled_delivery(stored.outcome), stored.reference), stored.body
            body = stored.body  # waiting: it goes now, claimed or not (the run that claimed it died)
        pending = PendingCase(reference=body["reference"], body=body, attempts=stored.attempts if stored else 0)
        return await deliver(outbox, BackendClient(), pending), body


def turn_key(tracker: Tracker) -> Optional[str]:
    """What identifies the turn this action runs in, the same when the turn runs again after its
    server died before saving the conversation: the conversation, and the position and time of the
    last event before the latest user message (the state the turn started from). None without one."""
    events = tracker.events
    latest_user = next(
        (index for index in range(len(events) - 1, -1, -1) if events[index].get("event") == "user"), None
    )
    if not latest_user:  # no user message, or nothing before it
        return None
    return f"{sender_key(tracker)}:{latest_user}:{events[latest_user - 1].get('timestamp')}"


def _settled_delivery(outcome: Optional[str]) -> Delivery:
    try:
        return Delivery(outcome)
    except ValueError:  # a dead letter: the backend did not take it
        return Delivery.REJECTED


def _over_limit(tracker: Tracker) -> Optional[str]:
    """The message refusing one more case today from this conversation or this client address, if due."""
    since = datetime.now(timezone.utc) - timedelta(days=1)
    if Outbox().cases_since(sender_key(tracker), since) >= CASES_PER_SENDER_PER_DAY:
        return "too_many_cases"
    client_key = (tracker.latest_message.get("metadata") or {}).get("client_key")
    if client_key and not RateLimits().allow(
        "cases_per_address", str(client_key), CASES_PER_ADDRESS_PER_DAY, timedelta(days=1)
    ):
        return "too_many_cases_from_address"
    return None


def _outcome_message(delivery: Delivery) -> str:
    if delivery.accepted:
        return "case_created"
    if delivery is Delivery.UNAVAILABLE:
        return "case_queued"
    return "case_not_accepted"
