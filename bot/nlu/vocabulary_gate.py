"""Sends messages made mostly of words the training data never contained ("blorf quux zzzt") to
`nlu_fallback`: DIET would otherwise give gibberish a confident intent. Inside a form this does no
harm, because the form reads the answer's text, not its intent."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.chosen_intent import choose_intent

VOCABULARY_FILE = "vocabulary.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class VocabularyGate(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_words": 2, "unknown_share": 0.75}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VocabularyGate:
        return cls(config, model_storage, resource, set())

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> VocabularyGate:
        with model_storage.read_from(resource) as folder:
            vocabulary = set(json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8")))
        return cls(config, model_storage, resource, vocabulary)

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, vocabulary: Set[str]
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary

    def train(self, training_data: TrainingData) -> Resource:
        vocabulary = {
            form
            for example in training_data.training_examples
            for token in example.get(TOKENS_NAMES[TEXT]) or []
            for form in (token.text.lower(), token.lemma.lower())
        }
        with self._model_storage.write_to(self._resource) as folder:
            (folder / VOCABULARY_FILE).write_text(json.dumps(sorted(vocabulary)), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self._mostly_unknown(message):
                choose_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
        return messages

    def _mostly_unknown(self, message: Message) -> bool:
        words = [token for token in message.get(TOKENS_NAMES[TEXT]) or [] if token.text.isalpha()]
        if len(words) < self._config["min_words"]:
            return False
        unknown = [
            t for t in words if t.text.lower() not in self._vocabulary and t.lemma.lower() not in self._vocabulary
        ]
        return len(unknown) / len(words) >= float(self._config["unknown_share"])
