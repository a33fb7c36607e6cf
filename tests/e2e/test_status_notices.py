"""D19/D21 end to end: a case registered over REST, staff change its status through the backend's
API, the backend's signed notice reaches the Rasa server, and the employer hears it in their
language before the answer to the next message (or, with the widget open, when it asks)."""

from __future__ import annotations

import time

import httpx
from test_intake import REFERENCE, staff_tokens

from conftest import Conversation
from intake_script import CARPENTER_IN_GARBSEN_DE, IT_COMPANY_IN_HANNOVER_EN, run_intake

DELIVERY_TIMEOUT_SECONDS = 30


def registered(conversation: Conversation, answers: tuple[str, ...], consent: str) -> str:
    run_intake(conversation, answers)
    match = REFERENCE.search(conversation.say_text(consent))
    assert match, "no reference after the consent"
    return match.group(0)


def move(backend_url: str, token: str, reference: str, status: str) -> None:
    answer = httpx.post(
        f"{backend_url}/api/v1/tickets/{reference}/transitions",
        json={"to": status},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text


def wait_until_delivered(backend_url: str, token: str, reference: str, count: int) -> None:
    """The backend's delivery worker posts the notices within a few seconds; the audit trail shows it."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        trail = httpx.get(
            f"{backend_url}/api/v1/tickets/{reference}/audit", headers={"Authorization": f"Bearer {token}"}
        ).json()["items"]
        actions = [event["action"] for event in trail]
        assert "status_notice_failed" not in actions
        if actions.count("status_notice_delivered") >= count:
            return
        time.sleep(0.5)
    raise AssertionError(f"the status notices of {reference} were not delivered within {DELIVERY_TIMEOUT_SECONDS} s")


def test_german_employer_hears_the_new_status_before_the_next_answer(
    german: Conversation, backend_url: str, credentials: dict
) -> None:
    reference = registered(german, CARPENTER_IN_GARBSEN_DE, "Ja, einverstanden")
    token = staff_tokens(credentials)["hwk_hannover"]
    move(backend_url, token, reference, "in_pre_check")
    wait_until_delivered(backend_url, token, reference, 1)
    replies = german.say("Danke")
    assert replies[0]["text"] == f"Neuigkeiten zu Ihrem Fall {reference} – neuer Stand: in der Vorprüfung."
    assert len(replies) > 1, "the answer to the message follows the notice"
    assert reference not in german.say_text("Danke"), "a notice is told once"


def test_english_employer_hears_the_newest_of_several_changes_in_english(
    english: Conversation, backend_url: str, credentials: dict
) -> None:
    reference = registered(english, IT_COMPANY_IN_HANNOVER_EN, "yes, I agree")
    token = staff_tokens(credentials)["ihk_hannover"]
    move(backend_url, token, reference, "in_pre_check")
    move(backend_url, token, reference, "waiting_for_employer")
    wait_until_delivered(backend_url, token, reference, 2)
    replies = english.say("thanks")
    assert replies[0]["text"] == (
        f"News on your case {reference} – new status: waiting for documents or details from you."
    )
    assert all(reference not in reply.get("text", "") for reply in replies[1:])


def test_the_open_widget_fetches_the_notice_without_a_message(
    german: Conversation, bot_url: str, backend_url: str, credentials: dict
) -> None:
    reference = registered(german, CARPENTER_IN_GARBSEN_DE, "Ja, einverstanden")
    token = staff_tokens(credentials)["hwk_hannover"]
    move(backend_url, token, reference, "in_pre_check")
    move(backend_url, token, reference, "complete")
    wait_until_delivered(backend_url, token, reference, 2)
    untold = httpx.post(f"{bot_url}/webhooks/rest/untold", json={"sender": german.sender}).json()
    assert [reply["text"] for reply in untold] == [
        f"Neuigkeiten zu Ihrem Fall {reference} – neuer Stand: vollständig, wird an die Behörde weitergeleitet."
    ]
    assert httpx.post(f"{bot_url}/webhooks/rest/untold", json={"sender": german.sender}).json() == []


def test_a_forged_notice_is_refused_by_the_running_bot(bot_url: str) -> None:
    body = (
        b'{"changed_at":"2026-11-26T09:20:00+00:00","event_id":"0123456789abcdef",'
        b'"reference":"LT-2026-7K3QZD","status":"closed"}'
    )
    answer = httpx.post(
        f"{bot_url}/webhooks/status/webhook",
        content=body,
        headers={
            "X-Lotse-Timestamp": str(int(time.time())),
            "X-Lotse-Event-Id": "0123456789abcdef",
            "X-Lotse-Signature": "sha256=" + "0" * 64,
        },
    )
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "signature_invalid"
