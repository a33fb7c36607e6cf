"""The scaled profile's nginx configuration (scripts/nginx_config.py): which requests nginx may pass
on to another server after a failure, checked in the rendered text and by `nginx -t` itself."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import nginx_config  # noqa: E402

UPSTREAMS = nginx_config.Upstreams(rasa=[5616, 5617], actions=[5666, 5667], backend=8600, web=8680)
ENTRIES = nginx_config.Entries(public=5605, public_interface="127.0.0.1", actions=5655, status=5606)


def rendered(tmp_path: Path) -> str:
    return nginx_config.render(UPSTREAMS, ENTRIES, nginx_config.Limits(), tmp_path / "nginx", tmp_path / "log")


def location(config: str, path: str) -> str:
    found = re.search(rf"location {re.escape(path)} \{{([^}}]*)\}}", config)
    assert found, f"no location {path}"
    return found.group(1)


def test_a_rest_turn_whose_server_failed_goes_to_the_other_one(tmp_path: Path) -> None:
    """The REST channel answers a repeated request id from the tracker, so its POST may be retried."""
    rest = location(rendered(tmp_path), "/webhooks/rest/")
    assert "proxy_next_upstream error non_idempotent;" in rest
    assert f"proxy_next_upstream_timeout {nginx_config.TURN_RETRY_WITHIN_SECONDS}s;" in rest
    assert "timeout non_idempotent" not in rest, "a turn still running must not be started elsewhere"


def test_provider_webhooks_are_never_sent_twice(tmp_path: Path) -> None:
    config = rendered(tmp_path)
    for path in ("/webhooks/botframework/", "/webhooks/whatsapp/", "/webhooks/telegram/"):
        assert "proxy_next_upstream" not in location(config, path), path
    global_retry = re.findall(r"^  proxy_next_upstream (.*);$", config, re.MULTILINE)
    assert global_retry == ["error timeout"], "the default passes on only requests not processed"


def test_an_action_call_whose_server_died_goes_to_another_but_a_slow_one_does_not(tmp_path: Path) -> None:
    """The submit action keeps one case per consent turn (tests/actions/test_repeated_consent_turn.py),
    so a call that reached a dying action server may run again elsewhere; a call still running may not."""
    actions_server = rendered(tmp_path).split(f"listen 127.0.0.1:{ENTRIES.actions};")[1].split("server {")[0]
    assert "proxy_next_upstream error non_idempotent;" in actions_server
    assert "timeout non_idempotent" not in actions_server


def test_status_notices_may_be_passed_on_since_each_event_id_is_kept_once(tmp_path: Path) -> None:
    assert "non_idempotent" in location(rendered(tmp_path), "/webhooks/status/")


def test_every_replica_has_passive_health_checks(tmp_path: Path) -> None:
    config = rendered(tmp_path)
    for port in (*UPSTREAMS.rasa, *UPSTREAMS.actions):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout={nginx_config.FAIL_TIMEOUT_SECONDS}s;" in config


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is installed by `make nginx`")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    config = nginx_config.write(UPSTREAMS, ENTRIES, nginx_config.Limits(), tmp_path / "nginx", tmp_path / "log")
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path / "nginx"), "-c", str(config), "-e", str(tmp_path / "log" / "error.log")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
