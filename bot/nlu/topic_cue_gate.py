"""Runs after DIET: an answer topic the message never names gives way to the next likely intent
(bot/understanding/topic_cues.py). `intent` and `intent_ranking` change together, so the fallback
classifier after this gate and the clarifying action see the same order."""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.chosen_intent import StatelessGate, set_ranking
from bot.understanding.topic_cues import Ranked, rerank


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicCueGate(StatelessGate):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text, ranking = message.get(TEXT), message.get(INTENT_RANKING_KEY)
            if isinstance(text, str) and ranking:
                read = [Ranked(str(e[INTENT_NAME_KEY]), float(e[PREDICTED_CONFIDENCE_KEY])) for e in ranking]
                set_ranking(message, [(entry.name, entry.confidence) for entry in rerank(text, read)])
        return messages
