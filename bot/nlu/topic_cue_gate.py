"""Runs after DIET: an answer topic the message never names gives way to the next likely intent
(bot/understanding/topic_cues.py). `intent` and `intent_ranking` change together, so the fallback
classifier after this gate and the clarifying action see the same order."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.understanding.topic_cues import Ranked, rerank


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicCueGate(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TopicCueGate:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text, ranking = message.get(TEXT), message.get(INTENT_RANKING_KEY)
            if isinstance(text, str) and ranking:
                apply_ranking(message, rerank(text, [_ranked(entry) for entry in ranking]))
        return messages


def _ranked(entry: Dict[str, Any]) -> Ranked:
    return Ranked(str(entry[INTENT_NAME_KEY]), float(entry[PREDICTED_CONFIDENCE_KEY]))


def apply_ranking(message: Message, ranking: List[Ranked]) -> None:
    entries = [{INTENT_NAME_KEY: r.name, PREDICTED_CONFIDENCE_KEY: r.confidence} for r in ranking]
    message.set(INTENT, dict(entries[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
