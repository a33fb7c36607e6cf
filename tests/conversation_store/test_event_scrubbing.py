"""P2: the scrubbing of events before they leave Rasa, one row per event type Rasa emits."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AgentUttered,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LegacyForm,
    LegacyFormValidation,
    LoopInterrupted,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
    UserUttered,
)

from conversation_store.scrubbing import REMOVED, pseudonym, scrub_event

KEY = b"test-key"
SENDER = "4915112345678"  # a WhatsApp sender id is the phone number
NAME, EMAIL, COMPANY = "Jolanda Wiesenthal", "j.wiesenthal@beispiel-bau.de", "Wiesenthal Bau GmbH"
PERSONAL = (SENDER, NAME, EMAIL, COMPANY, "Wiesenthal", "beispiel-bau")
ENTITY = {"entity": "email", "value": EMAIL, "start": 0, "end": 28, "extractor": "RegexEntityExtractor"}
PARSE_DATA = {
    "text": f"{EMAIL} ist meine Adresse",
    "intent": {"name": "inform", "confidence": 0.93},
    "entities": [ENTITY],
    "intent_ranking": [{"name": "inform", "confidence": 0.93}, {"name": "greet", "confidence": 0.01}],
    "language_detection": {"language": "de", "confidence": 0.9, "words": 3, "foreign_language": None},
    "response_selector": {"all_retrieval_intents": [], "default": {"response": {"responses": [{"text": NAME}]}}},
}
CHANNEL_METADATA = {"language": "de", "card_value": {"contact_name": NAME}, "client_key": "ab12"}

# event → the fields that stay, as they must look after scrubbing (timestamp and sender_id checked apart)
TABLE: Dict[str, tuple[Event, Dict[str, Any]]] = {
    "user": (
        UserUttered(PARSE_DATA["text"], parse_data=PARSE_DATA, input_channel="whatsapp", metadata=CHANNEL_METADATA),
        {
            "text": REMOVED,
            "input_channel": "whatsapp",
            "metadata": {"language": "de"},
            "parse_data": {
                "intent": {"name": "inform", "confidence": 0.93},
                "entities": [{"entity": "email", "extractor": "RegexEntityExtractor", "value": REMOVED}],
                "intent_ranking": [{"name": "inform", "confidence": 0.93}, {"name": "greet", "confidence": 0.01}],
                "language_detection": {"language": "de", "confidence": 0.9, "foreign_language": None},
            },
        },
    ),
    "bot": (
        BotUttered(
            f"Zusammenfassung: {COMPANY}, {NAME}, {EMAIL}, {SENDER}",
            data={"buttons": [{"title": "Ja", "payload": f'/inform{{"contact_name": "{NAME}"}}'}]},
            metadata={"utter_action": "utter_intake_summary", "contact": NAME},
        ),
        {"text": REMOVED, "metadata": {"utter_action": "utter_intake_summary"}},
    ),
    "agent": (AgentUttered(f"Hallo {NAME}", data={"name": NAME}), {"text": REMOVED}),
    "action": (
        ActionExecuted("action_submit_intake", policy="RulePolicy", confidence=1.0, action_text=f"Danke {NAME}"),
        {"name": "action_submit_intake", "policy": "RulePolicy", "confidence": 1.0, "action_text": REMOVED},
    ),
    "slot": (SlotSet("contact_email", EMAIL), {"name": "contact_email", "value": REMOVED}),
    "active_loop": (ActiveLoop("intake_form"), {"name": "intake_form"}),
    "loop_interrupted": (LoopInterrupted(True), {"is_interrupted": True}),
    "action_execution_rejected": (
        ActionExecutionRejected("intake_form", policy="RulePolicy", confidence=0.5),
        {"name": "intake_form", "policy": "RulePolicy", "confidence": 0.5},
    ),
    "followup": (FollowupAction("action_listen"), {"name": "action_listen"}),
    "form": (LegacyForm("intake_form"), {"name": "intake_form"}),
    "form_validation": (LegacyFormValidation(False), {"is_interrupted": True}),
    "reminder": (
        ReminderScheduled("EXTERNAL_reminder", datetime(2026, 12, 6, 8), name="remind", entities=[ENTITY]),
        {
            "intent": "EXTERNAL_reminder",
            "name": "remind",
            "entities": [{"entity": "email", "extractor": "RegexEntityExtractor", "value": REMOVED}],
        },
    ),
    "cancel_reminder": (ReminderCancelled(name="remind", entities=[ENTITY]), {}),
    "entities": (
        EntitiesAdded([ENTITY]),
        {"entities": [{"entity": "email", "extractor": "RegexEntityExtractor", "value": REMOVED}]},
    ),
    "user_featurization": (DefinePrevUserUtteredFeaturization(False), {"use_text_for_featurization": False}),
    "session_started": (SessionStarted(metadata=CHANNEL_METADATA), {"metadata": {"language": "de"}}),
    "restart": (Restarted(), {}),
    "reset_slots": (AllSlotsReset(), {}),
    "pause": (ConversationPaused(), {}),
    "resume": (ConversationResumed(), {}),
    "rewind": (UserUtteranceReverted(), {}),
    "undo": (ActionReverted(), {}),
    "export": (StoryExported(), {}),
}


def published(event: Event) -> Dict[str, Any]:
    return {"sender_id": SENDER, **event.as_dict()}  # as Rasa's tracker store hands it to the broker


def test_the_table_covers_every_event_type_rasa_emits() -> None:
    # Rasa's own event classes of a conversation; `rasa test` marks its evaluation with classes of its own
    # (rasa.core.test), which exist only once that module is imported and never reach a tracker store
    kinds = rasa.shared.utils.common.all_subclasses(Event)
    emitted = {
        kind.type_name for kind in kinds if kind.__module__.startswith("rasa.") and kind.__module__ != "rasa.core.test"
    }
    assert emitted <= set(TABLE)


@pytest.mark.parametrize("type_name", sorted(TABLE))
def test_an_event_keeps_its_shape_and_loses_personal_data(type_name: str) -> None:
    event, expected = TABLE[type_name]
    scrubbed = scrub_event(published(event), KEY)
    assert scrubbed["event"] == event.as_dict()["event"]  # legacy form events are published as loop events
    assert scrubbed["sender_id"] == pseudonym(SENDER, KEY)
    assert scrubbed["timestamp"] == event.timestamp
    for field, value in expected.items():
        assert scrubbed[field] == value, field
    serialised = json.dumps(scrubbed, ensure_ascii=False)
    assert not [value for value in PERSONAL if value in serialised]


@pytest.mark.parametrize(
    "slot",
    [
        "company_name",
        "contact_name",
        "contact_phone",
        "contact_email",
        "status_email",
        "case_reference",
        "occupation",
        "session_started_metadata",
        "a_slot_added_later",
    ],
)
def test_personal_and_unknown_slots_lose_their_value(slot: str) -> None:
    assert scrub_event(published(SlotSet(slot, NAME)), KEY)["value"] == REMOVED


@pytest.mark.parametrize(
    "slot, value",
    [("language", "en"), ("requested_slot", "contact_email"), ("consent", True), ("pf_position", "skilled")],
)
def test_category_slots_keep_their_value(slot: str, value: Any) -> None:
    assert scrub_event(published(SlotSet(slot, value)), KEY)["value"] == value


def test_an_unset_slot_stays_visibly_unset() -> None:
    assert scrub_event(published(SlotSet("contact_name", None)), KEY)["value"] is None


def test_an_unknown_event_type_keeps_only_its_kind() -> None:
    scrubbed = scrub_event({"sender_id": SENDER, "event": "stack", "timestamp": 1.0, "update": NAME}, KEY)
    assert scrubbed == {"event": "stack", "timestamp": 1.0, "sender_id": pseudonym(SENDER, KEY)}


def test_pseudonyms_depend_on_the_key() -> None:
    assert pseudonym(SENDER, b"one") != pseudonym(SENDER, b"two")
    assert pseudonym(SENDER, KEY) == pseudonym(SENDER, KEY)
