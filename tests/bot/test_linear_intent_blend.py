"""The linear second opinion: trained and loaded through Rasa's model storage, blended with DIET's ranking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_intent_blend import LinearIntentBlend, LinearScorer, blend, new_classifier, normalise

EXAMPLES = {
    "ask_fee_procedure": ["Was kostet das Verfahren?", "Wie hoch ist die Gebühr?", "How much is the fee?"],
    "ask_duration": ["Wie lange dauert das Verfahren?", "How long does it take?", "Wie viele Wochen dauert es?"],
    "greet": ["Hallo", "Guten Tag", "Hello there"],
}


def diet_ranking(*entries: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in entries]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> LinearIntentBlend:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("model")))
    resource, context = Resource("linear_blend"), ExecutionContext(GraphSchema({}), "test")
    config = LinearIntentBlend.get_default_config()
    examples = [Message({TEXT: text, INTENT: intent}) for intent, texts in EXAMPLES.items() for text in texts]
    LinearIntentBlend.create(config, storage, resource, context).train(TrainingData(examples))
    return LinearIntentBlend.load(config, storage, resource, context)


def test_the_loaded_model_turns_diets_wrong_guess_when_the_words_say_otherwise(trained: LinearIntentBlend) -> None:
    message = Message({TEXT: "Wie hoch ist die Gebühr für uns?"})
    message.set(INTENT, {"name": "ask_duration", "confidence": 0.45}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, diet_ranking(("ask_duration", 0.45), ("ask_fee_procedure", 0.40)))
    trained.process([message])
    ranking = message.get(INTENT_RANKING_KEY)
    assert message.get(INTENT)["name"] == "ask_fee_procedure" == ranking[0]["name"]
    assert message.get(INTENT) == ranking[0]
    assert [entry["name"] for entry in ranking].count("ask_fee_procedure") == 1


def test_a_message_without_diets_ranking_is_left_alone(trained: LinearIntentBlend) -> None:
    message = Message({TEXT: "Hallo"})
    trained.process([message])
    assert message.get(INTENT) is None


def test_an_untrained_blend_loads_and_leaves_messages_alone(tmp_path: Path) -> None:
    storage, resource = LocalModelStorage(tmp_path), Resource("untrained")
    context = ExecutionContext(GraphSchema({}), "test")
    config = LinearIntentBlend.get_default_config()
    LinearIntentBlend.create(config, storage, resource, context).train(TrainingData([]))
    loaded = LinearIntentBlend.load(config, storage, resource, context)
    message = Message({TEXT: "Hallo", INTENT_RANKING_KEY: diet_ranking(("greet", 0.9))})
    loaded.process([message])
    assert message.get(INTENT_RANKING_KEY) == diet_ranking(("greet", 0.9))


def test_the_blend_weighs_both_opinions_and_keeps_intents_only_diet_knows() -> None:
    ranked = blend({"a": 0.8, "nlu_fallback": 0.5}, {"a": 0.1, "b": 0.9}, weight=0.7)
    scores = dict(ranked)
    assert ranked[0][0] == "b"
    assert scores["b"] == pytest.approx(0.63) and scores["a"] == pytest.approx(0.31)
    assert scores["nlu_fallback"] == pytest.approx(0.15)


def test_umlauts_typed_without_a_german_keyboard_are_the_same_word() -> None:
    assert normalise("Gebühr für Größe") == normalise("GEBUEHR fuer Groesse")


@pytest.mark.parametrize("intents", [("ask_fee_procedure", "ask_duration", "greet"), ("ask_fee_procedure", "greet")])
def test_the_direct_scorer_gives_the_pipelines_probabilities(intents: tuple[str, ...]) -> None:
    texts = [text for intent in intents for text in EXAMPLES[intent]]
    labels = [intent for intent in intents for _ in EXAMPLES[intent]]
    pipeline = new_classifier(30.0).fit(texts, labels)
    scorer = LinearScorer(pipeline)
    probes = ["Was kostet es?", "WIE LANGE dauert das Verfahren, wie lange?", "Gebuehr", "blorf quux", "", "?!"]
    expected = pipeline.predict_proba(probes)
    assert scorer.classes == list(pipeline.classes_)
    assert np.allclose([scorer.probabilities(probe) for probe in probes], expected, rtol=0, atol=1e-12)
