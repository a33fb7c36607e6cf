"""The tokenizer Lotse does not use, kept as the subject of bench/nlu_compare.py: it tokenises
each message with spaCy's blank German or English pipeline (chosen by the detected language) and
adds lookup lemmas from spacy-lookups-data (no download). It needs requirements/bench-spacy.lock."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

import spacy
from spacy.language import Language as SpacyPipeline

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import DEFAULT_LANGUAGE, LanguagePolicy, detect


@lru_cache(maxsize=None)
def spacy_pipeline(language: str) -> SpacyPipeline:
    pipeline = spacy.blank(language)
    pipeline.add_pipe("lemmatizer", config={"mode": "lookup"})
    pipeline.initialize()
    return pipeline


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualSpacyTokenizer(Tokenizer):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["de", "en"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BilingualSpacyTokenizer:
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._policy = LanguagePolicy.from_env()

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        language = self._language_of(message, text) if attribute == TEXT else DEFAULT_LANGUAGE
        tokens = [
            Token(token.text, token.idx, lemma=token.lemma_ or token.text)
            for token in spacy_pipeline(language)(text)
            if not token.is_space
        ]
        return self._apply_token_pattern(tokens)

    def _language_of(self, message: Message, text: str) -> str:
        return detect(text, self._policy).language or DEFAULT_LANGUAGE
