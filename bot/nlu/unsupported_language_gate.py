"""Turns a message that is clearly in a language Lotse does not speak into `nlu_fallback`, so the
fallback action can answer (in German and English) that only these two are supported."""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.training_data.message import Message

from bot.language import LANGUAGE_DETECTION, Detection, is_foreign
from bot.nlu.chosen_intent import StatelessGate, choose_intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UnsupportedLanguageGate(StatelessGate):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self._is_foreign(message):
                choose_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
        return messages

    @staticmethod
    def _is_foreign(message: Message) -> bool:
        detection = message.get(LANGUAGE_DETECTION)
        return isinstance(detection, dict) and is_foreign(Detection.from_dict(detection))
