"""The slots the Rasa server keeps itself (bot/nlu/slot_keepers.py), on real Rasa trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Type

import pytest
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language import LANGUAGE_DETECTION, detect
from bot.nlu.slot_keepers import LanguageSlotKeeper, OperatorSlotKeeper, SlotKeeper
from bot.operator import assistant_of

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, inform, switch_language, ask_fee_procedure, affirm]
entities: [language]
slots:
  language: {type: categorical, values: [de, en], influence_conversation: false, mappings: [{type: custom}]}
  channel_language: {type: any, influence_conversation: false, mappings: [{type: custom}]}
  assistant_of_de: {type: any, influence_conversation: false, mappings: [{type: custom}]}
  assistant_of_en: {type: any, influence_conversation: false, mappings: [{type: custom}]}
actions: [utter_greet]
responses:
  utter_greet: [{text: "Hallo"}]
"""
)


def keeper(cls: Type[SlotKeeper], tmp_path: Path) -> SlotKeeper:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    policy = cls.create(cls.get_default_config(), storage, Resource(cls.__name__), context)
    policy.train([], DOMAIN)
    return cls.load(cls.get_default_config(), storage, Resource(cls.__name__), context)


def user(
    text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None, metadata: Optional[dict] = None
) -> UserUttered:
    parse_data = {LANGUAGE_DETECTION: detect(text).as_dict(), "metadata": metadata or {}}
    return UserUttered(
        text, {"name": intent, "confidence": 0.9}, entities or [], parse_data=parse_data, metadata=metadata or {}
    )


def conversation(*turns: Event, slots: Optional[Dict[str, Any]] = None) -> DialogueStateTracker:
    start: List[Event] = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted()]
    start += [SlotSet(name, value) for name, value in (slots or {}).items()]
    start.append(ActionExecuted(ACTION_LISTEN_NAME))
    return DialogueStateTracker.from_events("test-sender", [*start, *turns], slots=DOMAIN.slots)


def set_slots(policy: SlotKeeper, tracker: DialogueStateTracker) -> Dict[str, Any]:
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    assert max(prediction.probabilities) == 0.0  # a keeper never predicts an action
    return {event.key: event.value for event in prediction.events if isinstance(event, SlotSet)}


@pytest.fixture
def language(tmp_path: Path) -> SlotKeeper:
    return keeper(LanguageSlotKeeper, tmp_path)


def test_first_message_takes_the_channel_language(language: SlotKeeper) -> None:
    tracker = conversation(user("Hallo", "greet", metadata={"language": "en-GB"}))
    assert set_slots(language, tracker) == {"language": "en", "channel_language": "en"}


def test_first_message_without_channel_language_is_detected(language: SlotKeeper) -> None:
    tracker = conversation(user("How much does the procedure cost?", "ask_fee_procedure"))
    assert set_slots(language, tracker) == {"language": "en"}


def test_an_unclear_first_message_starts_in_german(language: SlotKeeper) -> None:
    assert set_slots(language, conversation(user("38", "inform"))) == {"language": "de"}


@pytest.mark.parametrize("short_answer", ["ja", "yes", "38", "Garbsen", "ok"])
def test_short_answers_keep_the_language(language: SlotKeeper, short_answer: str) -> None:
    for current in ("de", "en"):
        tracker = conversation(user(short_answer, "inform"), slots={"language": current})
        assert set_slots(language, tracker) == {}


def test_a_long_confident_message_in_the_other_language_switches(language: SlotKeeper) -> None:
    tracker = conversation(user("How long does the whole procedure take?", "inform"), slots={"language": "de"})
    assert set_slots(language, tracker) == {"language": "en"}


def test_explicit_request_switches_even_without_entity(language: SlotKeeper) -> None:
    tracker = conversation(user("andere Sprache bitte", "switch_language"), slots={"language": "de"})
    assert set_slots(language, tracker) == {"language": "en"}


def test_explicit_request_with_entity(language: SlotKeeper) -> None:
    entity = {"entity": "language", "value": "de", "start": 0, "end": 7}
    tracker = conversation(user("Deutsch please", "switch_language", [entity]), slots={"language": "en"})
    assert set_slots(language, tracker) == {"language": "de"}


def test_a_language_entity_outside_a_switch_request_changes_nothing(language: SlotKeeper) -> None:
    entity = {"entity": "language", "value": "en", "start": 0, "end": 8}
    tracker = conversation(user("Englisch?", "inform", [entity]), slots={"language": "de"})
    assert set_slots(language, tracker) == {}


def test_the_channel_language_counts_only_when_it_changes(language: SlotKeeper) -> None:
    unchanged = conversation(
        user("ja", "affirm", metadata={"language": "de"}), slots={"language": "en", "channel_language": "de"}
    )
    assert set_slots(language, unchanged) == {}
    changed = conversation(
        user("ja", "affirm", metadata={"language": "en"}), slots={"language": "de", "channel_language": "de"}
    )
    assert set_slots(language, changed) == {"language": "en", "channel_language": "en"}


def test_nothing_is_set_after_an_action_of_the_same_turn(language: SlotKeeper) -> None:
    tracker = conversation(
        user("How much does the procedure cost?", "ask_fee_procedure"), ActionExecuted("utter_greet")
    )
    assert set_slots(language, tracker) == {}


def test_operator_slots_are_filled_once_and_follow_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator = keeper(OperatorSlotKeeper, tmp_path)
    assert set_slots(operator, conversation(user("Hallo", "greet"))) == {
        "assistant_of_de": assistant_of("de"),
        "assistant_of_en": assistant_of("en"),
    }
    filled = {"assistant_of_de": assistant_of("de"), "assistant_of_en": assistant_of("en")}
    assert set_slots(operator, conversation(user("Hallo", "greet"), slots=filled)) == {}
    custom = tmp_path / "operator.yml"
    custom.write_text('assistant_of: {de: "Kammer X", en: "Chamber X"}\n', encoding="utf-8")
    monkeypatch.setenv("LOTSE_OPERATOR_FILE", str(custom))
    stale = {"assistant_of_de": "alt", "assistant_of_en": "Chamber X"}
    assert set_slots(operator, conversation(user("Hallo", "greet"), slots=stale)) == {"assistant_of_de": "Kammer X"}


def test_keepers_have_their_own_priorities_below_the_policies_that_predict() -> None:
    priorities = [cls.get_default_config()["priority"] for cls in (LanguageSlotKeeper, OperatorSlotKeeper)]
    assert len(set(priorities)) == 2
    assert max(priorities) < MemoizationPolicy.get_default_config()["priority"]
