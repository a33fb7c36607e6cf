"""No case is lost: with the backend down the case waits in the outbox and arrives exactly once."""

from __future__ import annotations

import re
import time

import httpx

from conftest import Conversation
from intake_script import CARPENTER_IN_GARBSEN_DE, run_intake
from stack import Stack, is_healthy

REFERENCE = re.compile(r"LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}")


def tickets_with(backend_url: str, token: str, reference: str) -> list[dict]:
    answer = httpx.get(
        f"{backend_url}/api/v1/tickets", params={"q": reference}, headers={"Authorization": f"Bearer {token}"}
    )
    answer.raise_for_status()
    return [ticket for ticket in answer.json()["items"] if ticket["reference"] == reference]


def test_case_waits_while_the_backend_is_down_and_arrives_exactly_once(
    stack: Stack, german: Conversation, backend_url: str, credentials: dict
) -> None:
    run_intake(german, CARPENTER_IN_GARBSEN_DE)
    stack.stop_process("backend")
    try:
        reply = german.say_text("Ja, bitte übermitteln")
    finally:
        stack.start_process(stack.spec("backend"))
    assert "gespeichert" in reply and "nicht erreichbar" in reply
    reference = REFERENCE.search(reply).group(0)
    token = credentials["hwk_hannover"]["api_token"]
    deadline = time.monotonic() + 90
    while not (is_healthy(f"{backend_url}/api/v1/health") and tickets_with(backend_url, token, reference)):
        assert time.monotonic() < deadline, "the queued case did not reach the backend"
        time.sleep(1)
    time.sleep(3)  # a few more worker rounds: retries must not create a second ticket
    assert len(tickets_with(backend_url, token, reference)) == 1
