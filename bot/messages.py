"""The assistant's own messages (not counselling answers) in German and English, from messages.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


@dataclass(frozen=True)
class Message:
    text: str
    buttons: List[Tuple[str, str]] = field(default_factory=list)  # (title, payload)

    def buttons_as_dicts(self) -> List[Dict[str, str]]:
        return [{"title": title, "payload": payload} for title, payload in self.buttons]


@lru_cache(maxsize=1)
def all_messages() -> Dict[str, dict]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def message(key: str, language: str, **values: str) -> Message:
    entry = all_messages()[key]
    buttons = [(button[language], button["payload"]) for button in entry.get("buttons", [])]
    return Message(text=entry[language].format(**values), buttons=buttons)


def text(key: str, language: str, **values: str) -> str:
    return message(key, language, **values).text
