"""Every text the assistant can say exists in German and English, and actions say nothing hard-coded."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from bot.intent_titles import all_titles
from bot.messages import message
from bot.texts import all_texts

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
ACTION_FILES = sorted((REPO / "actions").glob("*.py"))


def _language_of_variation(variation: dict) -> str:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return condition["value"]
    return "default"


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_domain_response_has_an_english_variation_and_a_german_default(name: str) -> None:
    variations = DOMAIN["responses"][name]
    languages = sorted(_language_of_variation(v) for v in variations)
    if name == "utter_unsupported_language":
        assert languages == ["default"]
        return
    assert languages == ["default", "en"], f"{name} needs exactly one English and one German (default) variation"
    german, english = sorted(variations, key=_language_of_variation)
    assert len(german.get("buttons", [])) == len(english.get("buttons", []))
    assert [b["payload"] for b in german.get("buttons", [])] == [b["payload"] for b in english.get("buttons", [])]


@pytest.mark.parametrize("key", sorted(all_texts()))
def test_every_message_exists_in_german_and_english(key: str) -> None:
    entry = all_texts()[key]
    assert entry["de"].strip() and entry["en"].strip()
    for button in entry.get("buttons", []):
        assert button["de"] and button["en"] and button["payload"].startswith("/")


def test_every_intent_has_a_title_in_both_languages() -> None:
    titles = all_titles()
    for intent in (name for name in DOMAIN["intents"] if not name.startswith("EXTERNAL_")):  # never offered
        assert titles[intent]["de"] and titles[intent]["en"], intent


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) == name or getattr(node.func, "id", None) == name)
    ]


@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda path: path.name)
def test_actions_send_no_hard_coded_text(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in _calls(tree, "utter_message"):
        for keyword in call.keywords:
            if keyword.arg in ("text", "buttons"):
                assert not isinstance(keyword.value, (ast.Constant, ast.JoinedStr, ast.List)), (
                    f"{path.name}:{call.lineno} sends a literal {keyword.arg}"
                )


@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda path: path.name)
def test_actions_say_only_messages_that_exist(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in _calls(tree, "say") + _calls(tree, "text"):
        keys = [arg for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        for key in keys[:1]:
            assert key.value in all_texts(), f"{path.name}:{call.lineno} uses unknown message {key.value!r}"


@pytest.mark.parametrize("key", sorted(all_texts()))
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_message_renders_with_its_facts(key: str, language: str) -> None:
    placeholders = {name: "x" for name in re.findall(r"{(\w+)}", all_texts()[key][language])}
    assert "[[" not in message(key, language, **placeholders).text


def test_contacts_in_messages_come_from_the_knowledge_file() -> None:
    assert "[[zentralstelle_hotline]]" in all_texts()["outside_region"]["de"]
    assert "0541 66888 200" in message("outside_region", "de").text
