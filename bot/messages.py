"""The assistant's own messages with their buttons, as the actions send them (texts: bot/texts.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from bot.texts import buttons, text


@dataclass(frozen=True)
class Message:
    text: str
    buttons: List[Tuple[str, str]] = field(default_factory=list)  # (title, payload)

    def buttons_as_dicts(self) -> List[Dict[str, str]]:
        return [{"title": title, "payload": payload} for title, payload in self.buttons]


def message(key: str, language: str, **values: object) -> Message:
    return Message(text=text(key, language, **values), buttons=buttons(key, language))
