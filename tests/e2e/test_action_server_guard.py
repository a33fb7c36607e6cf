"""The action server opens only to the Rasa server: loopback, and a shared secret on every call.

A forged tracker posted straight to the action server must create nothing: no row in the outbox,
no ticket in the backend. Only the backend and the action server run here (no model needed)."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import _port_is_free
from ports import shifted
from stack import REPO, Ports, Stack

PORTS = shifted(Ports(rasa=9105, actions=9155, backend=9100, web=9180))  # clear of the other stacks' ports

CASE_SLOTS = {
    "language": "de",
    "consent": True,
    "company_name": "Tischlerei Fälschung GmbH",
    "business_type": "craft",
    "workplace_municipality": "garbsen",
    "occupation": "Tischler",
    "nationality": "TN",
    "country_of_residence": "TN",
    "start_date": "2027-03-01",
    "family_members": 2,
    "residence_municipality": "garbsen",
    "contact_name": "Anna Fälschung",
    "contact_email": "anna@faelschung.example",
    "contact_phone": "+49511123456",
    "pf_position": "skilled_job",
    "pf_qualification": "vocational",
}


def forged_call(sender: str) -> dict:
    user = {"event": "user", "text": "ja", "parse_data": {"intent": {"name": "affirm"}, "metadata": {}}}
    return {
        "next_action": "action_submit_case",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": CASE_SLOTS,
            "latest_message": user["parse_data"],
            "events": [user],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
    }


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    busy = [port for port in (PORTS.actions, PORTS.backend) if not _port_is_free(port)]
    if busy:
        pytest.fail(f"ports {busy} are in use")
    stack = Stack(var_dir=tmp_path_factory.mktemp("var-guard"), ports=PORTS, extra_env={"LOTSE_TEST_MODE": "1"})
    try:
        stack.start(only=["backend", "actions"])
        stack.wait_until_ready()
        yield stack
    finally:
        stack.stop()


def outbox_rows(var_dir: Path) -> int:
    path = var_dir / "outbox.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM outbox").fetchone()[0]


def ticket_count(stack: Stack) -> int:
    """The tickets the Handwerkskammer sees (the forged case is a craft business)."""
    credentials = json.loads((stack.var_dir / "dev-credentials.json").read_text())
    answer = httpx.get(
        f"http://127.0.0.1:{stack.ports.backend}/api/v1/tickets",
        headers={"Authorization": f"Bearer {credentials['hwk_hannover']['api_token']}"},
    )
    answer.raise_for_status()
    return len(answer.json()["items"])


def webhook(stack: Stack) -> str:
    return f"http://127.0.0.1:{stack.ports.actions}/webhook"


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "wrong"])
def test_a_forged_tracker_without_the_secret_is_refused_and_creates_nothing(
    guarded: Stack, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = httpx.post(webhook(guarded), json=forged_call(f"forger-{uuid.uuid4().hex}"), headers=headers)
    assert answer.status_code == 401
    assert "LT-" not in answer.text
    assert outbox_rows(guarded.var_dir) == 0
    assert ticket_count(guarded) == 0


def test_the_action_list_is_closed_too_but_the_health_check_is_open(guarded: Stack) -> None:
    assert httpx.get(f"http://127.0.0.1:{guarded.ports.actions}/actions").status_code == 401
    assert httpx.get(f"http://127.0.0.1:{guarded.ports.actions}/health").status_code == 200


def test_with_the_secret_the_same_call_creates_the_case(guarded: Stack) -> None:
    """The control: the forged call above is a valid one, refused only for the missing secret."""
    before = ticket_count(guarded)
    secret = (guarded.var_dir / "action-secret").read_text().strip()
    answer = httpx.post(
        webhook(guarded),
        json=forged_call(f"rasa-{uuid.uuid4().hex}"),
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    assert answer.status_code == 200
    assert any(event.get("name") == "case_reference" and event.get("value") for event in answer.json()["events"])
    assert ticket_count(guarded) == before + 1


def test_the_action_server_listens_on_loopback_only(guarded: Stack) -> None:
    outward = outward_address()
    if outward is None:
        pytest.skip("this machine has no address besides loopback")
    with socket.socket() as probe:
        assert probe.connect_ex((outward, guarded.ports.actions)) != 0


def outward_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_the_rasa_server_presents_the_secret(endpoints: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The header is a plain YAML scalar: in a quoted one Rasa would not put in the variable."""
    from rasa.core.utils import read_endpoints_from_path

    path = REPO / endpoints
    for name in set(re.findall(r"\$\{([A-Z0-9_]+)\}", path.read_text())):
        monkeypatch.setenv(name, "5432" if name.endswith("_PORT") else f"value-of-{name.lower()}")
    monkeypatch.setenv("LOTSE_ACTION_SECRET", "the-shared-secret")
    assert read_endpoints_from_path(str(path)).action.headers == {"Authorization": "Bearer the-shared-secret"}
