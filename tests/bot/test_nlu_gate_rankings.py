"""The NLU gates change `intent` and `intent_ranking` together: after a gate the chosen intent is
first in the ranking with the same confidence, DIET's other guesses follow in their order, and the
chosen intent appears once. Real Rasa messages, a real tokenizer and a real model storage."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import LanguagePolicy
from bot.nlu.language_detector import LanguageDetector
from bot.nlu.link_code_gate import LinkCodeGate
from bot.nlu.unsupported_language_gate import UnsupportedLanguageGate
from bot.nlu.vocabulary_gate import VocabularyGate

DIET_RANKING = [
    {"name": "goodbye", "confidence": 0.55},
    {"name": "greet", "confidence": 0.25},
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "link_case", "confidence": 0.12},
    {"name": "ask_fee_visa", "confidence": 0.08},
]


def parsed(text: str) -> Message:
    """A message as it leaves DIET and the FallbackClassifier: tokens, intent and ranking."""
    message = Message({TEXT: text})
    message.set(INTENT, dict(DIET_RANKING[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(entry) for entry in DIET_RANKING], add_to_output=True)
    tokenizer().process([message])
    LanguageDetector(LanguagePolicy()).process([message])
    return message


def tokenizer() -> WhitespaceTokenizer:
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())


@pytest.fixture(scope="module")
def vocabulary_gate(tmp_path_factory: pytest.TempPathFactory) -> VocabularyGate:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    resource = Resource("vocabulary_gate")
    context = ExecutionContext(GraphSchema({}), "test")
    config = VocabularyGate.get_default_config()
    examples = [Message({TEXT: text}) for text in ("Wie lange dauert das Verfahren", "How much does it cost")]
    tokenizer().process_training_data(TrainingData(examples))
    VocabularyGate.create(config, storage, resource, context).train(TrainingData(examples))
    return VocabularyGate.load(config, storage, resource, context)


def assert_ranking_follows_intent(message: Message, chosen: str) -> None:
    intent: Dict[str, Any] = message.get(INTENT)
    ranking: List[Dict[str, Any]] = message.get(INTENT_RANKING_KEY)
    assert intent == {"name": chosen, "confidence": 1.0}
    assert ranking[0] == intent
    assert [entry["name"] for entry in ranking].count(chosen) == 1
    others = [entry for entry in DIET_RANKING if entry["name"] != chosen]
    assert ranking[1:] == others
    output = message.as_dict(only_output_properties=True)
    assert output[INTENT] == intent and output[INTENT_RANKING_KEY] == ranking


def test_the_vocabulary_gate_puts_nlu_fallback_first_in_the_ranking(vocabulary_gate: VocabularyGate) -> None:
    message = parsed("blorf quux zzzt")
    vocabulary_gate.process([message])
    assert_ranking_follows_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)


def test_the_link_code_gate_puts_link_case_first_in_the_ranking() -> None:
    message = parsed("Mein Code ist 9F4K-2QXM-7TZA")
    LinkCodeGate().process([message])
    assert_ranking_follows_intent(message, "link_case")


def test_the_language_gate_puts_nlu_fallback_first_in_the_ranking() -> None:
    message = parsed("Bonjour, combien de temps dure la procédure pour un infirmier ?")
    UnsupportedLanguageGate().process([message])
    assert_ranking_follows_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)


def test_a_message_no_gate_takes_keeps_diets_intent_and_ranking(vocabulary_gate: VocabularyGate) -> None:
    message = parsed("Wie lange dauert das Verfahren")
    for gate in (vocabulary_gate, LinkCodeGate(), UnsupportedLanguageGate()):
        gate.process([message])
    assert message.get(INTENT) == DIET_RANKING[0]
    assert message.get(INTENT_RANKING_KEY) == DIET_RANKING


def test_a_gate_on_a_message_without_a_ranking_makes_one(vocabulary_gate: VocabularyGate) -> None:
    message = Message({TEXT: "blorf quux zzzt"})
    tokenizer().process([message])
    vocabulary_gate.process([message])
    assert message.get(INTENT_RANKING_KEY) == [message.get(INTENT)]
