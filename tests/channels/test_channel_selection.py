"""A channel whose credentials are not set is not started; the REST channel always is (E16)."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from stack import write_channel_credentials  # noqa: E402

TEMPLATE = REPO / "credentials.yml"
TELEGRAM = {"LOTSE_TELEGRAM_ACCESS_TOKEN": "123:abc", "LOTSE_TELEGRAM_SECRET_TOKEN": "s3cret"}


def test_without_variables_only_the_rest_channel_starts(tmp_path: Path) -> None:
    target = tmp_path / "credentials.yml"
    assert write_channel_credentials(TEMPLATE, target, {}) == ["channels.rest.HardenedRestInput"]
    assert list(yaml.safe_load(target.read_text())) == ["channels.rest.HardenedRestInput"]


def test_a_channel_with_all_variables_set_is_started(tmp_path: Path) -> None:
    target = tmp_path / "credentials.yml"
    started = write_channel_credentials(TEMPLATE, target, TELEGRAM)
    assert started == ["channels.rest.HardenedRestInput", "channels.telegram.TelegramInput"]
    assert "${LOTSE_TELEGRAM_ACCESS_TOKEN}" in target.read_text()


def test_a_partly_configured_channel_is_not_started_and_named(tmp_path: Path, capsys) -> None:
    started = write_channel_credentials(TEMPLATE, tmp_path / "c.yml", {"LOTSE_WHATSAPP_ACCESS_TOKEN": "x"})
    assert "channels.whatsapp.WhatsAppInput" not in started
    assert "LOTSE_WHATSAPP_APP_SECRET" in capsys.readouterr().err
