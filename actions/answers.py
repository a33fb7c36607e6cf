"""Counselling answers rendered from the knowledge file, and the fallback that never loops."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import answered_the_form, language_of, latest_intent, say
from actions.insights import feedback_offer, topic_insight
from bot.answers import render
from bot.clock import today
from bot.intent_titles import all_titles
from bot.language import LANGUAGE_DETECTION, Detection, is_foreign
from bot.texts import text
from bot.understanding.notes import notes_for
from bot.understanding.reading import (
    Reading,
    asks_to_register_a_case,
    covered_by,
    general_question_topic,
    read_message,
)
from bot.understanding.referrals import referral_for
from bot.understanding.framing import core_text
from bot.understanding.retrieval import (
    Decision,
    Hit,
    answerable_intents,
    decide,
    is_confident,
    other_question_intent,
    topic_index,
)
from bot.understanding.slots import context_slots, with_earlier_context
from bot.understanding.titles import ruled_out, title_asked_about
from bot.understanding.topic_cues import fitting

TOPIC_PARAMETERS = ("residence_title", "occupation")
TOPIC_OF_INTENT = {"help": "capabilities", "request_human": "human_contact"}
OUT_OF_SCOPE = "out_of_scope"
INTAKE_FORM = "intake_form"
FALLBACK = "nlu_fallback"
UNKNOWN_TOPIC = "unknown"
CLARIFY_WITH_AT_MOST = 3


def topic_of(intent: str) -> str:
    return TOPIC_OF_INTENT.get(intent) or intent.removeprefix("ask_")


def utter_topic(
    dispatcher: CollectingDispatcher,
    topic: str,
    language: str,
    params: Dict[str, str],
    insight: Optional[Dict[str, Any]] = None,
) -> None:
    """The topic's answer; a factual one (`insight` says answered) offers feedback."""
    answer = render(topic, language, today(), params)
    buttons = [{"title": title, "payload": payload} for title, payload in answer.buttons]
    insight = insight or topic_insight(topic, "answered")
    offer = feedback_offer(topic, language) if insight["result"] == "answered" else None
    dispatcher.utter_message(text=answer.text, buttons=buttons, json_message=offer, insight=insight)


def retrieve(message: str) -> List[Hit]:
    """The topics closest to the message's questions, whose context sentences only blur the match; to
    the whole message when its questions alone say nothing substantive ("Is that correct?"); greetings and
    thanks around them left out."""
    message = core_text(message)
    questions = " ".join(read_message(message).questions)
    hits = _named(topic_index().rank(questions, RANKED), message)[:5] if questions else []
    if not hits or hits[0].intent not in substantive_intents():
        hits = _named(topic_index().rank(message, RANKED), message)[:5]
    return hits


RANKED = 20  # ranked before the topics the message does not fit are left out, so that five remain


def _named(hits: List[Hit], message: str) -> List[Hit]:
    """Only topics whose subject the message names and whose answer gives what it asks for (topic_cues.yml)."""
    fit = set(fitting([hit.intent for hit in hits], message))
    return [hit for hit in hits if hit.intent in fit]


def _message(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def answer_message(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[Dict[Text, Any]]:
    """The topic's answer made specific by the message (its figures, claims, context), a further question
    in it answered too; the context is kept in the slots the path finder and the intake read."""
    language, day, message = language_of(tracker), today(), _message(tracker)
    topic, reading = topic_of(intent), with_earlier_context(read_message(message), _earlier_context(tracker))
    referral = referral_for(message, language, day)
    if referral:
        dispatcher.utter_message(text="\n\n".join(referral.paragraphs))
    if topic == OUT_OF_SCOPE or (referral and referral.answers_alone):
        return _slot_events(tracker, reading)  # outside the remit: utter_out_of_scope says what Lotse does
    params = _named_parameters(tracker, message)
    if topic == "recognition_body" and reading.context.occupation_group and "occupation" not in params:
        params["occupation"] = reading.context.occupation_group
    if (
        topic == "residence_title"
        and "residence_title" not in params
        and (title := title_asked_about(message, reading))
    ):
        params["residence_title"] = title
    notes = notes_for(reading, message, topic, language, day, params.get("residence_title"))
    if notes.paragraphs:
        dispatcher.utter_message(text="\n\n".join(notes.paragraphs))
    utter_topic(dispatcher, topic, language, params)
    _answer_other_question(dispatcher, reading, intent, language)
    return _slot_events(tracker, reading)


def further_question_intent(reading: Reading, answered: str) -> Optional[str]:
    """The topic of a further question in the message: a clear match of its own, or the overview that answers
    a question naming no subject ("…and what does it cost?") when the answer given does not cover it."""
    other = other_question_intent(reading.questions, answered, answerable_intents())
    if other is not None and not fitting([other], " ".join(reading.questions)):
        other = None  # "… und was bekommen wir dafür?" is close to no topic it does not name
    if other is not None or len(reading.questions) < 2:
        return other
    named = _named_further_question(reading.questions, answered)
    if named is not None:
        return named
    for question in reading.questions:
        general = general_question_topic(question)
        if general and not answered.startswith(tuple(covered_by(general))):
            return general
    return None


def _named_further_question(questions: Sequence[str], answered: str) -> Optional[str]:
    """A further question that matches one topic strongly among those it names, even when a neighbour is close:
    "… Und wie lange dauert die Anerkennung?" after the fee (recognition 0.83, total duration 0.73)."""
    for question in questions:
        hits = _named(topic_index().rank(question, RANKED), question)
        if not hits or hits[0].intent == answered or hits[0].intent not in answerable_intents():
            continue
        if hits[0].score >= STRONG_MATCH and is_confident(hits, STRONG_MATCH_MIN_MARGIN):
            return hits[0].intent
    return None


STRONG_MATCH = 0.7  # of a perfect match of the further question's terms
# The overview of all costs names every item ("Verfahren, Visum, Anerkennung …"), so it stays close behind a question
# on one fee: "Und was kostet das Visum?" leads it by 0.03 (0.88 against 0.86) with the examples of 2026-12-07.
STRONG_MATCH_MIN_MARGIN = 0.025


def _named_parameters(tracker: Tracker, message: str) -> Dict[str, str]:
    """The first title and occupation the message names, unless it rules the title out ("not Blue Card I guess")."""
    params: Dict[str, str] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, start = str(entity.get("entity")), int(entity.get("start") or 0)
        if name in TOPIC_PARAMETERS and name not in params and not ruled_out(message, start):
            params[name] = str(entity.get("value"))
    return params


def _answer_other_question(dispatcher: CollectingDispatcher, reading: Reading, intent: str, language: str) -> None:
    other = further_question_intent(reading, intent)
    if other is not None:
        _utter_further_topic(dispatcher, topic_of(other), language, introduce=True)


def _utter_further_topic(dispatcher: CollectingDispatcher, topic: str, language: str, introduce: bool) -> None:
    answer = render(topic, language, today(), {})
    buttons = [{"title": title, "payload": payload} for title, payload in answer.buttons]
    introduction = [text("understanding_second_question", language)] if introduce else []
    introduced = "\n\n".join((*introduction, answer.text))
    insight = topic_insight(topic, "answered")
    dispatcher.utter_message(
        text=introduced, buttons=buttons, json_message=feedback_offer(topic, language), insight=insight
    )


def _earlier_context(tracker: Tracker) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in ("pf_age_45", "pf_qualification", "occupation")}


SALARY_INTENT = "ask_salary_threshold"


def asks_about_its_salary(reading: Reading) -> bool:
    """A question that names a salary and no clear topic asks whether that salary is enough."""
    return reading.context.salary is not None and bool(reading.questions)


def answer_question_asked_with_the_intake(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """ "Geht das noch über die Stadt oder schon nach Osnabrück? Und können Sie den Fall aufnehmen?": the question
    is answered before the intake's first question."""
    questions = [q for q in read_message(_message(tracker)).questions if not asks_to_register_a_case(q)]
    for question in questions:
        hits = retrieve(question)
        clear = hits[0].intent if is_confident(hits) and hits[0].intent in answerable_intents() else None
        intent = clear or general_question_topic(question)
        if intent:
            _utter_further_topic(dispatcher, topic_of(intent), language_of(tracker), introduce=False)
            return


START_INTAKE = "start_intake"


def _slot_events(tracker: Tracker, reading: Reading) -> List[Dict[Text, Any]]:
    if tracker.active_loop.get("name"):
        return []  # inside a form, the form reads its own answers
    filled = {slot: tracker.get_slot(slot) for slot in CONTEXT_SLOTS}
    return [SlotSet(slot, value) for slot, value in context_slots(reading.context, filled, today()).items()]


CONTEXT_SLOTS = (
    "business_type",
    "workplace_municipality",
    "occupation",
    "nationality",
    "pf_salary",
    "pf_age_45",
    "pf_qualification",
    "family_members",
)


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if answered_the_form(tracker):
            return []
        return answer_message(dispatcher, tracker, latest_intent(tracker))


NOT_ACTIONS = {"action_listen", "action_extract_slots"}
NOT_A_CLARIFICATION = {FALLBACK, "inform", "correct_field", "affirm", "deny"}


def _clarifications() -> set[str]:
    return {text("clarify", language) for language in ("de", "en")}


def fallbacks_in_a_row(tracker: Tracker) -> int:
    """How many user messages in a row, this one included, ended in this fallback without an answer:
    a message the fallback answered by retrieval does not count."""
    turns: List[Dict[str, Any]] = []
    for event in tracker.events:
        if event.get("event") == "user":
            turns.append({"action": "", "texts": []})
        elif not turns:
            continue
        elif event.get("event") == "action" and not turns[-1]["action"] and event.get("name") not in NOT_ACTIONS:
            turns[-1]["action"] = str(event.get("name"))
        elif event.get("event") == "bot":
            turns[-1]["texts"].append(str(event.get("text") or ""))
    streak = 0
    for turn in reversed(turns):
        unanswered = not turn["texts"] or bool(_clarifications() & set(turn["texts"]))
        if turn["action"] not in ("", ActionHandleFallback.NAME) or not unanswered:
            break
        streak += 1
    return streak


SUBSTANTIVE_EXTRA = {"start_intake", "start_pathfinder"}


def substantive_intents() -> set[str]:
    """Intents a substantive question may mean: the answer topics and the case check and registration."""
    return {name for name in all_titles() if name.startswith("ask_") and name != "ask_status"} | SUBSTANTIVE_EXTRA


def nlu_ranking(tracker: Tracker) -> List[str]:
    return list(nlu_confidences(tracker))


def nlu_confidences(tracker: Tracker) -> Dict[str, float]:
    """The NLU's intents, best first, with their confidences (after the gates), without the fallback's own."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return {
        str(entry.get("name")): float(entry.get("confidence") or 0.0)
        for entry in ranking
        if entry.get("name") not in NOT_A_CLARIFICATION
    }


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
            dispatcher.utter_message(insight=topic_insight(UNKNOWN_TOPIC, "fallback", _message(tracker)))
        elif fallbacks_in_a_row(tracker) >= 2:
            fell_back = topic_insight(UNKNOWN_TOPIC, "fallback", _message(tracker))
            utter_topic(dispatcher, "human_contact", language, {}, fell_back)
        else:
            return self._answer_or_clarify(dispatcher, tracker, language)
        return self._forget_inside_a_form(tracker)

    @staticmethod
    def _answer_closest(
        dispatcher: CollectingDispatcher, tracker: Tracker, decision: Decision, language: str
    ) -> List[Dict[Text, Any]]:
        """Not sure, but a substantive question: the closest topic's answer, and the next ones offered."""
        events = answer_message(dispatcher, tracker, str(decision.closest))
        others = [intent for intent in decision.options if intent != decision.closest][: CLARIFY_WITH_AT_MOST - 1]
        options = [*others, "request_human"]
        buttons = [{"title": text(intent, language), "payload": f"/{intent}"} for intent in options]
        dispatcher.utter_message(text=text("understanding_other_options", language), buttons=buttons)
        return events

    @staticmethod
    def _forget_inside_a_form(tracker: Tracker) -> List[Dict[Text, Any]]:
        """Inside a form, forget the message so the form goes on where it was."""
        return [UserUtteranceReverted()] if tracker.active_loop.get("name") else []

    def _answer_or_clarify(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, language: str
    ) -> List[Dict[Text, Any]]:
        """The closest answer topic by retrieval answers when it is clear (outside forms, where the message
        may be the form's answer); otherwise the buttons offer the closest substantive topics."""
        hits, reading = retrieve(_message(tracker)), read_message(_message(tracker))
        decision = decide(
            hits, nlu_ranking(tracker), substantive_intents(), answerable_intents(), nlu_confidences(tracker)
        )
        if tracker.active_loop.get("name"):
            pass  # inside a form the message may be the form's answer: only clarify
        elif referral_for(_message(tracker), language, today()):
            return answer_message(dispatcher, tracker, OUT_OF_SCOPE)  # a question outside the remit: its referral
        elif asks_to_register_a_case(_message(tracker)):
            answer_question_asked_with_the_intake(dispatcher, tracker)
            return [FollowupAction(INTAKE_FORM)]  # "bitte den Fall anmelden": the intake, as /start_intake starts it
        elif decision.answer:
            return answer_message(dispatcher, tracker, decision.answer)
        elif asks_about_its_salary(reading):
            return answer_message(dispatcher, tracker, SALARY_INTENT)  # "we pay 4,200 a month, enough?"
        elif decision.closest:
            return self._answer_closest(dispatcher, tracker, decision, language)
        options = [*decision.options[:CLARIFY_WITH_AT_MOST], "request_human"]
        buttons = [{"title": text(intent, language), "payload": f"/{intent}"} for intent in dict.fromkeys(options)]
        closest = topic_of(decision.options[0]) if decision.options else UNKNOWN_TOPIC
        insight = topic_insight(closest, "clarified", _message(tracker))
        dispatcher.utter_message(text=text("clarify", language), buttons=buttons, insight=insight)
        return self._forget_inside_a_form(tracker) or _slot_events(tracker, reading)
