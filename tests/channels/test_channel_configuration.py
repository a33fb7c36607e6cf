"""Credentials, texts and the Teams app package: what the connectors need before any traffic."""

import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any, Dict, Type

import pytest
import rasa.core.run
import yaml
from rasa.core.channels.channel import InputChannel
from rasa.shared.exceptions import RasaException

from bot import texts
from bot.language import language_from_tag
from bot.texts import CONNECTOR_TEXTS_FILE
from channels.channel_credentials import ChannelCredentialsError
from channels.teams import TeamsInput
from channels.teams.app_package import COLOR_ICON, OUTLINE_ICON, build_app_package, color_icon, outline_icon
from channels.telegram import TelegramInput
from channels.whatsapp import WhatsAppInput

ENTRIES = Path(__file__).with_name("credentials_entries.yml")
ENVIRONMENT = {
    "LOTSE_TEAMS_APP_ID": "0b5e0c3e-1d2f-4a6b-9c8d-7e6f5a4b3c2d",
    "LOTSE_TEAMS_APP_PASSWORD": "x",
    "LOTSE_TEAMS_TENANT_ID": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
    "LOTSE_WHATSAPP_ACCESS_TOKEN": "x",
    "LOTSE_WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "LOTSE_WHATSAPP_APP_SECRET": "x",
    "LOTSE_WHATSAPP_VERIFY_TOKEN": "x",
    "LOTSE_TELEGRAM_ACCESS_TOKEN": "123:abc",
    "LOTSE_TELEGRAM_SECRET_TOKEN": "x",
}
COMPLETE: Dict[Type[InputChannel], Dict[str, str]] = {
    TeamsInput: {"app_id": "a", "app_password": "b", "tenant_id": "c"},
    WhatsAppInput: {"access_token": "a", "phone_number_id": "b", "app_secret": "c", "verify_token": "d"},
    TelegramInput: {"access_token": "123:abc", "secret_token": "b"},
}


def test_rasa_starts_the_three_channels_from_the_documented_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    channels = rasa.core.run.create_http_input_channels(None, str(ENTRIES))
    assert [type(c) for c in channels] == [TeamsInput, WhatsAppInput, TelegramInput]
    assert [c.url_prefix() for c in channels] == ["botframework", "whatsapp", "telegram"]


def test_an_unset_variable_in_credentials_yml_stops_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the lead lists a channel only when its variables are set (Rasa refuses unexpanded ${…})."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RasaException, match="LOTSE_TEAMS_APP_ID"):
        rasa.core.run.create_http_input_channels(None, str(ENTRIES))


@pytest.mark.parametrize("channel_class", list(COMPLETE))
def test_complete_credentials_give_a_channel(channel_class: Type[InputChannel]) -> None:
    assert isinstance(channel_class.from_credentials(COMPLETE[channel_class]), channel_class)


@pytest.mark.parametrize("channel_class", list(COMPLETE))
def test_partial_or_missing_credentials_are_a_clear_error(channel_class: Type[InputChannel]) -> None:
    complete = COMPLETE[channel_class]
    dropped = sorted(complete)[0]
    with pytest.raises(ChannelCredentialsError, match=f"partial credentials: missing {dropped}"):
        channel_class.from_credentials({**complete, dropped: ""})
    with pytest.raises(ChannelCredentialsError, match="no credentials"):
        channel_class.from_credentials(None)


def test_telegram_registration_needs_a_webhook_url() -> None:
    with pytest.raises(ChannelCredentialsError, match="webhook_url"):
        TelegramInput.from_credentials({**COMPLETE[TelegramInput], "register_webhook": True})


def test_every_connector_text_exists_in_german_and_english() -> None:
    entries: Dict[str, Any] = yaml.safe_load(CONNECTOR_TEXTS_FILE.read_text(encoding="utf-8"))
    for key, variants in entries.items():
        assert set(variants) == {"de", "en"} and all(v.strip() for v in variants.values()), key
    assert texts.text("only_text", None) == f"{entries['only_text']['de']}\n\n{entries['only_text']['en']}"
    assert len(texts.label("list_button", None)) <= 20  # a WhatsApp list button label


@pytest.mark.parametrize(
    "tag, language",
    [
        ("de", "de"),
        ("de-DE", "de"),
        ("de_CH", "de"),
        ("EN-us", "en"),
        ("fr-FR", None),
        ("", None),
        (None, None),
    ],
)
def test_language_from_tag(tag: Any, language: Any) -> None:
    assert language_from_tag(tag) == language


def _png_size(data: bytes) -> tuple:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height, depth, color_type = struct.unpack(">IIBB", data[16:26])
    assert (depth, color_type) == (8, 6)
    assert zlib.crc32(data[12:29]) & 0xFFFFFFFF == struct.unpack(">I", data[29:33])[0]
    return width, height


def test_teams_icons_have_the_required_sizes_and_match_their_generator() -> None:
    assert _png_size(COLOR_ICON.read_bytes()) == (192, 192)
    assert _png_size(OUTLINE_ICON.read_bytes()) == (32, 32)
    assert COLOR_ICON.read_bytes() == color_icon() and OUTLINE_ICON.read_bytes() == outline_icon()


def test_teams_app_package_has_the_manifest_with_the_bot_id_and_both_icons(tmp_path: Path) -> None:
    app_id = ENVIRONMENT["LOTSE_TEAMS_APP_ID"]
    package = build_app_package(app_id, "https://lotse.example.org", tmp_path / "lotse-teams.zip")
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == app_id and manifest["bots"][0]["botId"] == app_id
    assert manifest["icons"] == {"outline": "outline.png", "color": "color.png"}
    assert manifest["validDomains"] == ["lotse.example.org"]
    assert "{{" not in json.dumps(manifest)
