"""Events → facts: each kind of fact from the events Rasa writes (scrubbed as the broker scrubs them),
idempotent ids, the daily conversation hash, and no personal data in any fact."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from actions.insights import intake_completed_insight, topic_insight
from conversation_store.scrubbing import scrub_event
from insights.facts import Fact, conversation_hash
from insights.mapping import ABANDON_AFTER_SECONDS, EventMapper

SECRET = b"test-secret"
BROKER_KEY = b"broker-key"
T0 = 1_796_000_000.0  # 2026-11-30 (UTC)

NAME, EMAIL, PHONE, COMPANY = (
    "Jadwiga Brzęczyszczykiewicz",
    "jadwiga.b@kfz-nowak.example",
    "+49 511 7654321",
    "Kfz Nowak GmbH",
)


class Conversation:
    """Writes a conversation's events as Rasa does (`sender_id` + `Event.as_dict()`)."""

    def __init__(self, sender: str = "employer-1", channel: str = "rest", start: float = T0) -> None:
        self.sender, self.channel, self.now = sender, channel, start
        self.events: List[Dict[str, Any]] = []

    def _add(self, event: str, **fields: Any) -> None:
        self.now += 1
        self.events.append({"sender_id": self.sender, "event": event, "timestamp": self.now, **fields})

    def session(self) -> "Conversation":
        self._add("action", name="action_session_start")
        self._add("session_started")
        self._add("action", name="action_listen")
        return self

    def user(self, text: str, intent: str, language: str = "de", **entities: str) -> "Conversation":
        parse_data = {
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [{"entity": name, "value": value} for name, value in entities.items()],
            "language_detection": {"language": language, "confidence": 0.9},
        }
        self._add("user", text=text, parse_data=parse_data, input_channel=self.channel, metadata={"language": language})
        return self

    def slot(self, name: str, value: Any) -> "Conversation":
        self._add("slot", name=name, value=value)
        return self

    def loop(self, name: Any) -> "Conversation":
        self._add("active_loop", name=name)
        return self

    def bot(self, text: str = "", insight: Dict[str, Any] | None = None) -> "Conversation":
        metadata = {"insight": insight} if insight else {}
        self._add("bot", text=text, data={"buttons": None}, metadata=metadata)
        return self

    def scrubbed(self) -> List[Dict[str, Any]]:
        return [scrub_event(event, BROKER_KEY) for event in self.events]


def facts_of(events: List[Dict[str, Any]], mapper: EventMapper | None = None) -> List[Fact]:
    mapper = mapper or EventMapper(SECRET)
    return [fact for event in events for fact in mapper.map(event)]


def kinds(facts: List[Fact]) -> List[str]:
    return [fact.kind for fact in facts]


def intake_with_personal_data() -> Conversation:
    """An intake that names the contact, e-mail, phone and company in messages, entities, slots and replies."""
    c = Conversation().session().user("Hallo", "greet").bot("Guten Tag!")
    c.user(f"Ich möchte einen Fall anlegen für {COMPANY}", "start_intake", business=COMPANY)
    c.loop("intake_form").slot("requested_slot", "company_name").bot("Wie heißt Ihr Unternehmen?")
    c.user(COMPANY, "inform").slot("company_name", COMPANY).slot("requested_slot", "contact_name")
    c.bot(f"Danke, {COMPANY}. Wie heißen Sie?")
    c.user(f"Ich heiße {NAME}", "inform").slot("contact_name", NAME).slot("requested_slot", "contact_email")
    c.bot(f"Danke, {NAME}. Ihre E-Mail?")
    c.user(EMAIL, "inform").slot("contact_email", EMAIL).slot("requested_slot", "contact_phone").bot("Telefon?")
    c.user(PHONE, "inform").slot("contact_phone", PHONE).slot("requested_slot", "consent").bot("Einverstanden?")
    c.user("ja", "affirm").slot("consent", True).slot("requested_slot", None).loop(None)
    c.bot(f"Ihr Fall LT-2026-7K3QZD für {COMPANY} ({EMAIL}, {PHONE}) ist angelegt.", intake_completed_insight())
    return c


def test_an_intake_with_personal_data_leaves_none_of_it_in_any_fact() -> None:
    conversation = intake_with_personal_data()
    conversation.user(f"Was fehlt noch für {NAME}, Tel. {PHONE}, {EMAIL}?", "nlu_fallback")
    conversation.bot("Meinten Sie …?", topic_insight("unknown", "clarified", f"Was fehlt noch für {NAME}? {EMAIL}"))
    facts = facts_of(conversation.scrubbed())
    assert kinds(facts) == ["conversation_started", "intake_started", "intake_completed", "topic_asked"]
    published = json.dumps([fact.as_json() for fact in facts]).lower()
    for personal in (NAME, EMAIL, PHONE, COMPANY, "Jadwiga", "Nowak", "7654321", "LT-2026-7K3QZD", "employer-1"):
        assert personal.lower() not in published


def test_a_conversation_is_counted_with_its_channel_language_and_persona() -> None:
    conversation = Conversation(channel="botframework").session().user("Hi", "greet", "en").slot("language", "en")
    facts = facts_of(conversation.bot("Hello!").scrubbed())
    assert [(f.kind, f.channel, f.language, f.persona) for f in facts] == [
        ("conversation_started", "teams", "en", "employer")
    ]


def test_a_candidate_is_told_apart_by_channel_or_by_question() -> None:
    whatsapp = Conversation(channel="whatsapp").session().user("Hallo", "greet").bot("Hallo")
    assert facts_of(whatsapp.scrubbed())[0].persona == "candidate"
    web = Conversation().session().user("visa appointment?", "ask_candidate_visa_appointment", "en")
    web.bot("…", topic_insight("candidate_visa_appointment", "answered"))
    assert {fact.persona for fact in facts_of(web.scrubbed())} == {"candidate"}


def test_topics_are_asked_answered_clarified_or_fell_back_and_unanswered_lines_are_kept_scrubbed() -> None:
    c = Conversation().session().user("Was kostet das Verfahren?", "ask_fee_procedure")
    c.bot("Die Gebühr …", topic_insight("fee_procedure", "answered", "Was kostet das Verfahren?"))
    c.user("Gilt das auch für Quokkas?", "nlu_fallback").bot(
        "Meinten Sie …", topic_insight("steps", "clarified", "Gilt das auch für Quokkas?")
    )
    c.user("Und die Katze?", "nlu_fallback").bot(
        "Ich verbinde …", topic_insight("unknown", "fallback", "und die katze?")
    )
    facts = facts_of(c.scrubbed())
    asked = [(f.topic, f.result) for f in facts if f.kind == "topic_asked"]
    assert asked == [("fee_procedure", "answered"), ("steps", "clarified"), ("unknown", "fallback")]
    unanswered = [f.text for f in facts if f.kind == "unanswered"]
    assert unanswered == ["und die katze?"]  # "Quokkas" is no word Lotse knows: that line was dropped in doubt


def test_an_intake_abandoned_after_the_idle_time_names_the_question_it_stopped_at() -> None:
    mapper = EventMapper(SECRET)
    c = Conversation().session().user("Fall anlegen", "start_intake").loop("intake_form")
    c.slot("requested_slot", "company_name").bot("Unternehmen?").user("Muster", "inform")
    c.slot("requested_slot", "business_type").bot("Branche?")
    assert kinds(facts_of(c.scrubbed(), mapper)) == ["intake_started", "conversation_started"]
    assert mapper.expire(c.now + ABANDON_AFTER_SECONDS - 1) == []
    abandoned = mapper.expire(c.now + ABANDON_AFTER_SECONDS)
    assert [(f.kind, f.question, f.reason) for f in abandoned] == [("intake_abandoned", "business_type", "timeout")]
    assert mapper.expire(c.now + 2 * ABANDON_AFTER_SECONDS) == []


def test_an_intake_whose_form_closed_without_a_case_is_abandoned_at_the_next_message() -> None:
    c = Conversation().session().user("Fall anlegen", "start_intake").loop("intake_form")
    c.slot("requested_slot", "consent").bot("Einverstanden?").user("nein", "deny").loop(None).bot("Nicht angelegt.")
    c.user("Was kostet das?", "ask_fee_procedure")
    facts = facts_of(c.scrubbed())
    assert [(f.kind, f.question) for f in facts][-1] == ("intake_abandoned", "consent")


def test_a_status_notice_in_a_new_session_starts_no_conversation() -> None:
    """The channel triggers `EXTERNAL_status_notice` (Rasa's external events); the user said nothing."""
    c = Conversation().session().user("EXTERNAL: EXTERNAL_status_notice", "EXTERNAL_status_notice")
    c.bot("Neuigkeiten zu Ihrem Fall …")
    assert facts_of(c.scrubbed()) == []
    assert kinds(facts_of(c.user("Danke", "thank").bot("Gern!").scrubbed())) == ["conversation_started"]


def test_path_finder_outcomes_and_human_requests() -> None:
    c = Conversation().session().user("Mensch bitte", "request_human").bot("…")
    c.bot("Ergebnis", {"kind": "pathfinder_outcome", "outcome": "no_prospect", "reason": "salary_below_threshold"})
    facts = facts_of(c.scrubbed())
    assert [(f.kind, f.outcome, f.reason) for f in facts] == [
        ("human_requested", None, None),
        ("conversation_started", None, None),
        ("pathfinder_outcome", "no_prospect", "salary_below_threshold"),
    ]


def test_a_replay_gives_the_same_ids_and_the_conversation_hash_changes_with_the_day() -> None:
    events = intake_with_personal_data().scrubbed()
    first, again = facts_of(events), facts_of(events)
    assert [f.id for f in first] == [f.id for f in again] and len({f.id for f in first}) == len(first)
    assert len({f.conversation for f in first}) == 1
    assert conversation_hash("x", "2026-11-29", SECRET) != conversation_hash("x", "2026-11-30", SECRET)
    assert all(len(f.id) <= 64 and len(f.conversation) <= 64 for f in first)


def test_facts_carry_only_the_keys_of_their_kind() -> None:
    facts = facts_of(intake_with_personal_data().scrubbed())
    assert set(facts[0].as_json()) == {"id", "kind", "day", "conversation", "channel", "language", "persona"}
    assert facts[0].as_json()["day"] == "2026-11-30"


def test_malformed_events_give_no_facts() -> None:
    mapper = EventMapper(SECRET)
    for event in ({}, {"event": "user"}, {"sender_id": "a", "event": "bot", "timestamp": "x"}, {"sender_id": 1}):
        assert mapper.map(event) == []
    weird = {"sender_id": "a", "event": "bot", "timestamp": T0, "metadata": {"insight": {"kind": "topic_asked"}}}
    assert mapper.map(weird) == []
