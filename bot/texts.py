"""Every text the assistant writes itself, in German and English: one file format, one loader, one
lookup (docs/architecture.md, "Bot texts").

Format (YAML): key → `de` and `en` variants, optionally `buttons` (each a `payload` and its `de` and
`en` title) and `on_yes` (the payload a typed "yes" takes, bot/dialogue_repair.py). Placeholders:
`{name}` takes the value the caller passes, `[[fact_id]]` the fact's value valid today (from
bot/knowledge/facts.yml, so contacts and figures live in the knowledge file only).

The files, one namespace (a key is defined once across them):
- bot/messages.yml: the dialogue's own messages (questions, confirmations, problems, offers)
- bot/connector_texts.yml: what the channel connectors say themselves ("only text, please", …)
- bot/intent_titles.yml: the intents' titles on the "Did you mean …?" buttons

Language fallback: a supported language gives its variant; an unknown one (a connector that does not
know the user's language yet) gives both, German first: `text` as two paragraphs, `label` (one line,
e.g. a button) joined by " / ".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from bot.clock import today
from bot.knowledge import ValueOn, value_on
from bot.language import SUPPORTED_LANGUAGES

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
CONNECTOR_TEXTS_FILE = Path(__file__).with_name("connector_texts.yml")
INTENT_TITLES_FILE = Path(__file__).with_name("intent_titles.yml")
TEXT_FILES = (MESSAGES_FILE, CONNECTOR_TEXTS_FILE, INTENT_TITLES_FILE)
_FACT = re.compile(r"\[\[([a-z0-9_]+)\]\]")

Entry = Mapping[str, Any]


@lru_cache(maxsize=None)
def texts_in(path: Path) -> Dict[str, Entry]:
    entries: Dict[str, Entry] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return entries


@lru_cache(maxsize=1)
def all_texts() -> Dict[str, Entry]:
    merged: Dict[str, Entry] = {}
    for path in TEXT_FILES:
        entries = texts_in(path)
        twice = sorted(merged.keys() & entries.keys())
        if twice:
            raise ValueError(f"{path.name} defines keys defined before: {twice}")
        merged.update(entries)
    return merged


def text(key: str, language: Optional[str], **values: object) -> str:
    """The text of `key` in `language` (both languages when it is unknown), placeholders filled."""
    return _in_languages(key, language, "\n\n", values)


def label(key: str, language: Optional[str], **values: object) -> str:
    """A one-line text (a button): in `language`, or "Deutsch / English" when it is unknown."""
    return _in_languages(key, language, " / ", values)


def buttons(key: str, language: str) -> List[Tuple[str, str]]:
    """The buttons of `key` as (title in `language`, payload)."""
    return [(button[language], button["payload"]) for button in all_texts()[key].get("buttons", [])]


def _in_languages(key: str, language: Optional[str], joiner: str, values: Mapping[str, object]) -> str:
    entry = all_texts()[key]
    languages = (language,) if language in SUPPORTED_LANGUAGES else SUPPORTED_LANGUAGES
    return joiner.join(_with_facts(entry[each]).format(**values) for each in languages)


def _with_facts(template: str) -> str:
    """Replaces [[fact_id]] with the fact's value valid today."""

    def value(match: re.Match[str]) -> str:
        lookup = value_on(match.group(1), today())
        if not isinstance(lookup, ValueOn):
            raise KeyError(f"no current value for fact {match.group(1)!r}")
        return str(lookup.value)

    return _FACT.sub(value, template)
