"""A message holding a candidate link code ("9F4K-2QXM-7TZA", also lower case or with spaces)
is `link_case`, whatever DIET guessed: a random code has no words DIET could have learned. Codes
made only of digits are left alone, so a phone number in groups of four is never taken for one."""

from __future__ import annotations

from typing import Any, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.candidate_link import Found, find_link_code
from bot.nlu.chosen_intent import StatelessGate, choose_intent

LINK_INTENT = "link_case"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LinkCodeGate(StatelessGate):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if holds_link_code(message.get(TEXT)):
                choose_intent(message, LINK_INTENT)
        return messages


def holds_link_code(text: Any) -> bool:
    if not isinstance(text, str) or text.startswith("/"):
        return False
    search = find_link_code(text)
    return search.found is Found.CODE and any(character.isalpha() for character in search.code or "")
