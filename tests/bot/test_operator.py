"""Whose assistant Lotse is comes from settings/operator.yml only; authorities are not named by default."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.answers import render
from bot.operator import DEFAULT_OPERATOR_FILE, assistant_of

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 26)
AUTHORITIES = ("Region Hannover", "Landeshauptstadt", "City of Hannover", "city of Hannover", "Zentralstelle")


def _responses() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]


@pytest.mark.parametrize("language", ["de", "en"])
def test_default_operator_names_no_authority(language: str) -> None:
    name = assistant_of(language)
    assert name and not any(authority in name for authority in AUTHORITIES)


@pytest.mark.parametrize("response", ["utter_greet", "utter_bot_challenge"])
def test_greeting_and_bot_challenge_name_the_operator_from_the_settings_only(response: str) -> None:
    variants = _responses()[response]
    texts = {("en" if v.get("condition") else "de"): " ".join(v["text"].split()) for v in variants}
    assert "{assistant_of_de}" in texts["de"] and "{assistant_of_en}" in texts["en"]
    for text in texts.values():
        assert not any(authority in text for authority in AUTHORITIES), text


def test_the_operator_slots_are_kept_by_the_rasa_server_without_an_action_call() -> None:
    slots = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["slots"]
    for language in ("de", "en"):
        assert slots[f"assistant_of_{language}"]["mappings"] == [{"type": "custom"}]
    policies = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["policies"]
    assert {"name": "bot.nlu.slot_keepers.OperatorSlotKeeper"} in policies


@pytest.mark.parametrize("language", ["de", "en"])
def test_capabilities_answer_names_whoever_the_settings_name(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert assistant_of(language) in render("capabilities", language, DAY).text
    settings = yaml.safe_load(DEFAULT_OPERATOR_FILE.read_text(encoding="utf-8"))
    settings["assistant_of"][language] = "Beispiel-Kammer"
    custom = tmp_path / "operator.yml"
    custom.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("LOTSE_OPERATOR_FILE", str(custom))
    assert "Beispiel-Kammer" in render("capabilities", language, DAY).text


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_privacy_notice_names_the_operator_from_the_same_settings(language: str) -> None:
    from bot.privacy import consent_texts

    controller = consent_texts(language, "IHK Hannover")["controller"]
    assert "IHK Hannover" in controller and assistant_of(language) in controller
    assert not any(authority in controller for authority in AUTHORITIES)
