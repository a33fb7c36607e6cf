"""Whitespace tokens of the part of a message that carries the question (bot/understanding/framing.py).

The greeting before a question and the thanks after it become no tokens, so neither the featurizers nor
DIET see them; the tokens keep their places in the whole text, so entity offsets stay right."""

from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.understanding.framing import core_span


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FramingAwareTokenizer(WhitespaceTokenizer):
    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens: List[Token] = super().tokenize(message, attribute)
        text = message.get(attribute)
        if attribute != TEXT or not isinstance(text, str):
            return tokens
        start, end = core_span(text)
        core = [token for token in tokens if token.start >= start and token.end <= end]
        return core or tokens
