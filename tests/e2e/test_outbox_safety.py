"""Issue 15 P8 with the real backend (on SQLite; no model needed): a reference another case already
holds (the backend answers 409) gives the case a new reference instead of losing it, and a case the
backend never takes becomes a dead letter that the outbox's status command counts."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timezone

import httpx
import pytest
from ports import shifted
from stack import REPO, Ports, Stack

from actions.backend_client import BackendClient, Delivery
from actions.delivery import deliver, deliver_due
from actions.outbox import Outbox, PendingCase
from actions.settings import BackendSettings
from bot.case import CaseDraft, build_ticket

PORTS = shifted(Ports(rasa=9205, actions=9255, backend=9200, web=9280))  # clear of the other stacks' ports
ANSWERS = {
    "company_name": "Tischlerei Zufall GmbH",
    "business_type": "craft",
    "workplace_municipality": "garbsen",
    "occupation": "Tischler",
    "nationality": "TN",
    "country_of_residence": "TN",
    "contact_name": "Anna Zufall",
    "contact_email": "anna@zufall.example",
}


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(var_dir=tmp_path_factory.mktemp("var-outbox"), ports=PORTS, extra_env={"LOTSE_TEST_MODE": "1"})
    try:
        stack.start(only=["backend"])
        stack.wait_until_ready()
        yield stack
    finally:
        stack.stop()


def bot_client(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> BackendClient:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(stack.var_dir))  # the bot token from the dev credentials
    return BackendClient(BackendSettings(f"http://127.0.0.1:{stack.ports.backend}", 5))


def case_body(company: str) -> dict:
    draft = CaseDraft(answers={**ANSWERS, "company_name": company}, language="de")
    return build_ticket(draft, date(2026, 11, 26), datetime.now(timezone.utc)).body


def references_in_backend(stack: Stack) -> set[str]:
    token = json.loads((stack.var_dir / "dev-credentials.json").read_text())["hwk_hannover"]["api_token"]
    answer = httpx.get(
        f"http://127.0.0.1:{stack.ports.backend}/api/v1/tickets", headers={"Authorization": f"Bearer {token}"}
    )
    return {ticket["reference"] for ticket in answer.json()["items"]}


def test_a_taken_reference_gets_a_new_one_and_the_case_arrives(
    backend: Stack, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    client = bot_client(backend, monkeypatch)
    ours = case_body("Tischlerei Unsere GmbH")
    theirs = {**case_body("Tischlerei Andere GmbH"), "reference": ours["reference"]}
    assert asyncio.run(client.create_ticket(theirs)) is Delivery.CREATED
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put(ours["reference"], "sender", ours)
    outcome = asyncio.run(deliver(outbox, client, PendingCase(ours["reference"], ours, 0)))
    assert outcome.delivery is Delivery.CREATED and outcome.reference != ours["reference"]
    assert {ours["reference"], outcome.reference} <= references_in_backend(backend)
    assert outbox.is_delivered(outcome.reference)


def test_an_undeliverable_case_becomes_a_dead_letter(backend: Stack, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("LOTSE_BOT_API_TOKEN", "lt_not-the-bot")  # the backend answers 401: retry, retry, …
    client = bot_client(backend, monkeypatch)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    body = case_body("Tischlerei Niemals GmbH")
    outbox.put(body["reference"], "sender", body)
    monkeypatch.setattr("actions.outbox.MAX_ATTEMPTS", 3)
    for _ in range(3):
        later = datetime.now(timezone.utc).replace(year=2100)
        asyncio.run(deliver_due(outbox, client, later))
    assert list(outbox.claim(datetime.now(timezone.utc).replace(year=2100))) == []
    status = subprocess.run(
        [sys.executable, "-m", "actions.outbox", "status"],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "LOTSE_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(status.stdout)
    assert figures["dead_letters"] == 1 and figures["dead_letter_references"] == [body["reference"]]
    assert outbox.requeue(body["reference"]) and len(list(outbox.claim())) == 1
