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


def test_provider_urls_default_to_the_real_ones_and_can_point_elsewhere(tmp_path: Path) -> None:
    target = tmp_path / "credentials.yml"
    write_channel_credentials(TEMPLATE, target, TELEGRAM)
    assert yaml.safe_load(target.read_text())["channels.telegram.TelegramInput"]["api_base_url"] == (
        "https://api.telegram.org"
    )
    write_channel_credentials(TEMPLATE, target, {**TELEGRAM, "LOTSE_TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"})
    written = target.read_text()
    assert "api_base_url: http://127.0.0.1:9" in written and "${LOTSE_TELEGRAM_ACCESS_TOKEN}" in written


def test_teams_login_and_openid_urls_default_to_microsofts_and_can_point_elsewhere(tmp_path: Path) -> None:
    target = tmp_path / "credentials.yml"
    teams = {"LOTSE_TEAMS_APP_ID": "a", "LOTSE_TEAMS_APP_PASSWORD": "b", "LOTSE_TEAMS_TENANT_ID": "c"}
    write_channel_credentials(TEMPLATE, target, teams)
    written = yaml.safe_load(target.read_text())["channels.teams.TeamsInput"]
    assert written["login_base_url"] == "https://login.microsoftonline.com"
    assert written["openid_metadata_url"] == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    local = {"LOTSE_TEAMS_LOGIN_BASE_URL": "http://127.0.0.1:9", "LOTSE_TEAMS_OPENID_METADATA_URL": "http://[::1]:9/o"}
    write_channel_credentials(TEMPLATE, target, {**teams, **local})
    written = yaml.safe_load(target.read_text())["channels.teams.TeamsInput"]
    assert (written["login_base_url"], written["openid_metadata_url"]) == tuple(local.values())
    assert written["app_password"] == "${LOTSE_TEAMS_APP_PASSWORD}"
