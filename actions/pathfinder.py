"""The path finder form: asks only what the case needs, reads the answers, shows the result."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import (
    ReadsTheRequestedSlot,
    ask_action,
    language_of,
    latest_entity,
    latest_intent,
    said,
    say,
)
from actions.dialogue_repair import CountsFailures, count_failure
from actions.insights import pathfinder_insight
from bot.answer_or_question import Kind, answer_or_question
from bot.clock import today
from bot.pathfinder_dialogue import (
    CHOICE_SLOTS,
    PATHFINDER_SLOTS,
    YES_NO_SLOTS,
    questions_needed,
    read_choice,
    read_salary,
    read_years,
    result_text,
    shortage_question_values,
)
from bot.short_answers import read_abroad, read_age_45, read_yes_no

YES_NO_INTENTS = {"affirm": "yes", "deny": "no"}
# Questions whose answer is often not a plain yes or no: "38" to "45 or older?", "already in Germany".
YES_NO_READERS: Dict[str, Callable[[str], Optional[str]]] = {"pf_age_45": read_age_45, "pf_abroad": read_abroad}


def read_answer(slot: str, tracker: Tracker) -> tuple[Optional[Any], str]:
    """The canonical answer to `slot` in the latest message, and the message key if it is unreadable."""
    typed = str(tracker.latest_message.get("text") or "")
    clicked = latest_entity(tracker, "choice")
    if slot in YES_NO_SLOTS:
        if clicked in ("yes", "no"):
            return clicked, "pf_invalid_yes_no"
        read = YES_NO_READERS.get(slot, read_yes_no)(typed)
        return read or YES_NO_INTENTS.get(latest_intent(tracker)), "pf_invalid_yes_no"
    if slot in CHOICE_SLOTS:
        return read_choice(slot, str(clicked or typed)), "pf_invalid_choice"
    if slot == "pf_salary":
        salary = read_salary(typed)
        return (float(salary) if salary is not None else None), "pf_invalid_salary"
    years = read_years(typed)
    return (float(years) if years is not None else None), "pf_invalid_years"


class ValidatePathfinderForm(CountsFailures, ReadsTheRequestedSlot):
    SLOTS_READ = PATHFINDER_SLOTS  # each by `read_answer`

    def name(self) -> Text:
        return "validate_pathfinder_form"

    def read_requested(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        answer, problem = read_answer(slot, tracker)
        reading = answer_or_question(said(tracker), answer is not None)
        if reading in (Kind.QUESTION, Kind.PROBABLE_QUESTION):
            return {}  # a question in between: the rules answer it, then the form asks again
        if reading is Kind.ANSWER:
            return {slot: answer, "failed_attempts": 0.0}
        return {slot: None, "failed_attempts": count_failure(dispatcher, tracker, problem)}

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return questions_needed({slot: tracker.get_slot(slot) for slot in PATHFINDER_SLOTS}, today())


ASK_ACTIONS = [ask_action(slot, f"pf_ask_{slot}") for slot in PATHFINDER_SLOTS if slot != "pf_shortage"]


class ActionAskPfShortage(Action):
    """Asks about a shortage occupation or new entrant, naming both Blue Card thresholds of the day."""

    def name(self) -> Text:
        return "action_ask_pf_shortage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        key, values = shortage_question_values(language, today())
        say(dispatcher, key, language, **values)
        return []


class ActionPathfinderResult(Action):
    def name(self) -> Text:
        return "action_pathfinder_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = language_of(tracker)
        answers = {slot: tracker.get_slot(slot) for slot in PATHFINDER_SLOTS}
        result, path = result_text(answers, language, today())
        dispatcher.utter_message(text=result, insight=pathfinder_insight(path))
        say(
            dispatcher,
            "pf_result_offer" if path.accelerated_procedure_fits else "pf_result_offer_no_prospect",
            language,
        )
        return [SlotSet("pf_no_prospect", path.ticket_no_prospect())]
