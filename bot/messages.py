"""The assistant's own messages (not counselling answers) in German and English, from messages.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from bot.clock import today
from bot.knowledge import ValueOn, value_on

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
_FACT = re.compile(r"\[\[([a-z0-9_]+)\]\]")


@dataclass(frozen=True)
class Message:
    text: str
    buttons: List[Tuple[str, str]] = field(default_factory=list)  # (title, payload)

    def buttons_as_dicts(self) -> List[Dict[str, str]]:
        return [{"title": title, "payload": payload} for title, payload in self.buttons]


@lru_cache(maxsize=1)
def all_messages() -> Dict[str, Dict[str, Any]]:
    messages: Dict[str, Dict[str, Any]] = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    return messages


def _with_facts(template: str) -> str:
    """Replaces [[fact_id]] with the fact's value valid today, so contacts live in the knowledge file only."""

    def value(match: re.Match[str]) -> str:
        lookup = value_on(match.group(1), today())
        if not isinstance(lookup, ValueOn):
            raise KeyError(f"no current value for fact {match.group(1)!r}")
        return str(lookup.value)

    return _FACT.sub(value, template)


def message(key: str, language: str, **values: str) -> Message:
    entry = all_messages()[key]
    buttons = [(button[language], button["payload"]) for button in entry.get("buttons", [])]
    return Message(text=_with_facts(entry[language]).format(**values), buttons=buttons)


def text(key: str, language: str, **values: str) -> str:
    return message(key, language, **values).text
