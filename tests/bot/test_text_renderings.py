"""Every text key, rendered in German, English and (for the connectors' texts) an unknown language,
equals its rendering before the texts moved onto one mechanism (bot/texts.py). `text_renderings.json`
was written by the old loaders (bot/messages.py, channels/connector_texts.py, bot/intent_titles.py) on
2026-12-06 with every `{placeholder}` filled as `<placeholder>`; a text changed on purpose is changed
there too. Keys added later are not in the snapshot."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict

import pytest

from bot.messages import message
from bot.texts import CONNECTOR_TEXTS_FILE, INTENT_TITLES_FILE, MESSAGES_FILE, label, text, texts_in

BEFORE: Dict[str, Dict[str, Any]] = json.loads(
    Path(__file__).with_name("text_renderings.json").read_text(encoding="utf-8")
)
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_0-9]+)\}(?!\})")


@pytest.fixture(autouse=True)
def the_day_of_the_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSE_TEST_MODE", "1")
    monkeypatch.setenv("LOTSE_TODAY", "2026-12-06")


def filled(entry: Dict[str, Any]) -> Dict[str, str]:
    return {name: f"<{name}>" for language in ("de", "en") for name in PLACEHOLDER.findall(entry[language])}


def test_every_key_rendered_before_is_still_there() -> None:
    """Keys added since the snapshot are allowed; none of the snapshot's may be lost."""
    assert set(BEFORE["messages"]) <= set(texts_in(MESSAGES_FILE))
    assert set(BEFORE["connectors"]) <= set(texts_in(CONNECTOR_TEXTS_FILE))
    assert set(BEFORE["titles"]) <= set(texts_in(INTENT_TITLES_FILE))


@pytest.mark.parametrize("key", sorted(BEFORE["messages"]))
def test_dialogue_messages_render_as_before(key: str) -> None:
    values = filled(texts_in(MESSAGES_FILE)[key])
    for language in ("de", "en"):
        rendered = message(key, language, **values)
        assert {"text": rendered.text, "buttons": rendered.buttons_as_dicts()} == BEFORE["messages"][key][language]


@pytest.mark.parametrize("key", sorted(BEFORE["connectors"]))
def test_connector_texts_render_as_before(key: str) -> None:
    entry = texts_in(CONNECTOR_TEXTS_FILE)[key]
    for language in ("de", "en", None):
        before = BEFORE["connectors"][key][str(language)]
        assert text(key, language, **filled(entry)) == before["text"]
        if not filled(entry):  # a label never has a placeholder
            assert label(key, language) == before["label"]


@pytest.mark.parametrize("key", sorted(BEFORE["titles"]))
def test_intent_titles_render_as_before(key: str) -> None:
    assert {language: text(key, language) for language in ("de", "en")} == BEFORE["titles"][key]
