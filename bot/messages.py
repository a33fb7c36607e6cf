"""The assistant's own messages with their buttons, as the actions send them (texts: bot/texts.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Tuple

from bot.texts import all_texts, buttons, text

# `text` also from here: channels/status_notices imports it so (bot.texts is its home).
__all__ = ["Message", "all_messages", "message", "text"]


@dataclass(frozen=True)
class Message:
    text: str
    buttons: List[Tuple[str, str]] = field(default_factory=list)  # (title, payload)

    def buttons_as_dicts(self) -> List[Dict[str, str]]:
        return [{"title": title, "payload": payload} for title, payload in self.buttons]


def message(key: str, language: str, **values: object) -> Message:
    return Message(text=text(key, language, **values), buttons=buttons(key, language))


def all_messages() -> Mapping[str, Mapping[str, Any]]:
    """Every text entry by key (all files of bot/texts.py), e.g. to read a message's buttons."""
    return all_texts()
