"""The scaled profile (issue 16 S3): two Rasa servers and two action servers behind nginx, the one
public entry, on PostgreSQL (tracker, bot state, backend), Redis (conversation locks, message limits)
and RabbitMQ. Real processes: conversations go through nginx, the access log shows which replica
answered, the tracker store shows the order of one conversation's turns."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator

import httpx
import psycopg2
import pytest

import nginx_config
from conftest import Conversation
from ports import shifted
from stack import Ports, Scale, Stack, scaled_on_throwaway_databases

PORTS = shifted(Ports(rasa=7005, actions=7055, backend=7000, web=7080))  # clear of the other stacks' ports
SCALE = Scale(rasa_servers=2, action_servers=2)
PUBLIC = f"http://127.0.0.1:{PORTS.rasa}"
NGINX_REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
ANSWERED_BY = re.compile(r'"POST /webhooks/rest/webhook" 200 .* upstream=127\.0\.0\.1:(\d+)')


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # nginx's limit per client is tested here, the bot's in test_rate_limits.py
    extra = {"LOTSE_TEST_MODE": "1", "LOTSE_MESSAGE_RATE": "100000/minute"}
    var_dir = tmp_path_factory.mktemp("var-scaled")
    with scaled_on_throwaway_databases(var_dir, PORTS, SCALE, "lotse_e2e_scaled", extra) as stack:
        yield stack


def access_log(stack: Stack) -> str:
    return (stack.log_dir / "nginx-access.log").read_text(encoding="utf-8")


def tracker_events(stack: Stack, sender: str) -> list[tuple[str, str | None]]:
    connection = psycopg2.connect(
        host="127.0.0.1", port=5432, user="postgres", dbname=stack.extra_env["LOTSE_TRACKER_DB_NAME"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT type_name, action_name FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        rows = cursor.fetchall()
    connection.close()
    return rows


def test_both_rasa_servers_answer_turns_through_nginx(scaled: Stack) -> None:
    conversation = Conversation(PUBLIC, "de")
    for _ in range(3):
        assert "411" in conversation.say_text("Was kostet das beschleunigte Fachkräfteverfahren?")
    english = Conversation(PUBLIC, "en")
    assert english.say_text("Which documents do I need?")
    served = {int(port) for port in ANSWERED_BY.findall(access_log(scaled))}
    assert served == set(SCALE.rasa_ports(PORTS)), f"answered by {served}"


async def say_at_once(sender: str, texts: list[str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=60) as client:
        return await asyncio.gather(
            *(
                client.post(f"{PUBLIC}/webhooks/rest/webhook", json={"sender": sender, "message": text})
                for text in texts
            )
        )


def test_one_conversation_keeps_its_order_across_replicas(scaled: Stack) -> None:
    """Six messages of one conversation at once, spread over both replicas: Redis's lock lets one turn
    run at a time, so in the tracker every message is followed by its whole turn before the next."""
    sender = f"e2e-{uuid.uuid4().hex}"
    texts = ["Hallo", "Wer ist zuständig?", "danke", "Which documents do I need?", "Hallo", "danke"]
    answers = asyncio.run(say_at_once(sender, texts))
    assert [answer.status_code for answer in answers] == [200] * len(texts)
    assert all(answer.json() for answer in answers), "every message got its answer"
    events = tracker_events(scaled, sender)
    kinds = [kind if kind != "action" else f"action:{name}" for kind, name in events]
    user_turns = [index for index, kind in enumerate(kinds) if kind == "user"]
    assert len(user_turns) == len(texts), f"messages lost: {kinds}"
    for start, end in zip(user_turns, [*user_turns[1:], len(kinds)]):
        turn = kinds[start:end]
        assert "bot" in turn and turn[-1] == "action:action_listen", f"turns interleaved: {turn}"
    served = [int(port) for port in ANSWERED_BY.findall(access_log(scaled))[-len(texts) :]]
    assert len(set(served)) == SCALE.rasa_servers, f"all six went to {set(served)}"


def test_a_request_sent_again_with_its_request_id_is_answered_without_a_second_turn(scaled: Stack) -> None:
    """What nginx does when a Rasa server dies during a turn, and a client may do when it resends: the
    same X-Request-ID again. The turn was saved, so the answer comes from the tracker, whichever server
    takes the repeat; a new request id is a new turn."""
    sender = f"e2e-{uuid.uuid4().hex}"
    request_id = f"e2e-repeat-{uuid.uuid4().hex[:12]}"
    body = {"sender": sender, "message": "Was kostet das beschleunigte Fachkräfteverfahren?"}
    url = f"{PUBLIC}/webhooks/rest/webhook"
    first = httpx.post(url, json=body, headers={"X-Request-ID": request_id}, timeout=60)
    again = [httpx.post(url, json=body, headers={"X-Request-ID": request_id}, timeout=60) for _ in range(3)]
    assert first.status_code == 200 and "411" in first.json()[0]["text"]
    assert [answer.json() for answer in again] == [first.json()] * 3
    assert [kind for kind, _ in tracker_events(scaled, sender)].count("user") == 1
    other = httpx.post(url, json={**body, "message": "danke"}, headers={"X-Request-ID": request_id}, timeout=60)
    assert other.status_code == 200 and other.json() != first.json(), "another text with the id is a new turn"
    assert [kind for kind, _ in tracker_events(scaled, sender)].count("user") == 2


def test_the_request_id_comes_back_and_reaches_the_log(scaled: Stack) -> None:
    made = httpx.get(f"{PUBLIC}/webhooks/rest/")
    assert made.status_code == 200 and NGINX_REQUEST_ID.match(made.headers["X-Request-ID"])
    kept = httpx.get(f"{PUBLIC}/webhooks/rest/", headers={"X-Request-ID": "trace-4f1c2e9a"})
    assert kept.headers["X-Request-ID"] == "trace-4f1c2e9a"
    forged = httpx.get(f"{PUBLIC}/webhooks/rest/", headers={"X-Request-ID": 'x" injected=1'})
    assert NGINX_REQUEST_ID.match(forged.headers["X-Request-ID"])
    log = access_log(scaled)
    assert made.headers["X-Request-ID"] in log and "trace-4f1c2e9a" in log and "injected" not in log


def test_the_access_log_holds_no_query_string_body_or_client_address(scaled: Stack) -> None:
    secret = f"token-{uuid.uuid4().hex}"
    httpx.get(f"{PUBLIC}/webhooks/rest/?access_token={secret}")
    conversation = Conversation(PUBLIC, "de")
    conversation.say("Meine Telefonnummer ist 0511 7654321")
    log = access_log(scaled)
    assert "GET /webhooks/rest/" in log
    assert secret not in log and "7654321" not in log and "127.0.0.1 " not in log.replace("upstream=127.0.0.1", "")


def logged(stack: Stack, request_id: str) -> str:
    """The access log's line of a request: nginx writes it once the connection is through with it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [line for line in access_log(stack).splitlines() if request_id in line]
        if lines:
            return lines[0]
        time.sleep(0.2)
    raise AssertionError(f"request {request_id} is not in the access log")


def test_a_body_over_the_limit_is_refused_by_nginx(scaled: Stack) -> None:
    big = "x" * 1_100_000
    answer = httpx.post(f"{PUBLIC}/webhooks/rest/webhook", json={"sender": "e2e-big", "message": big}, timeout=60)
    assert answer.status_code == 413
    assert "upstream=-" in logged(scaled, answer.headers["X-Request-ID"]), "no replica saw the body"


def test_only_public_routes_are_routed(scaled: Stack) -> None:
    assert httpx.post(f"{PUBLIC}/webhooks/status/webhook", content=b"{}").status_code == 404
    assert httpx.get(f"{PUBLIC}/api/v1/health").status_code != 200
    assert httpx.get(f"{PUBLIC}/").status_code == 200  # the widget's demo page
    assert httpx.get(f"{PUBLIC}/staff/login").status_code == 200


def listening_addresses(stack: Stack) -> dict[str, set[str]]:
    """Which addresses the stack's processes (and their children) listen on, per process name."""
    sessions = {os.getsid(process.pid): name for name, process in stack.processes.items()}
    listing = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True, check=True).stdout
    found: dict[str, set[str]] = {}
    for line in listing.splitlines():
        local = line.split()[3]
        for pid in re.findall(r"pid=(\d+)", line):
            try:
                name = sessions.get(os.getsid(int(pid)))
            except ProcessLookupError:
                continue
            if name:
                found.setdefault(name, set()).add(local.rsplit(":", 1)[0])
    return found


def test_nothing_but_nginx_listens_beyond_loopback(scaled: Stack) -> None:
    found = listening_addresses(scaled)
    assert {"nginx", "rasa-1", "rasa-2", "actions-1", "actions-2", "backend", "backend-worker", "web"} <= set(found)
    outside = {name: addresses for name, addresses in found.items() if addresses != {"127.0.0.1"}}
    assert set(outside) == {"nginx"}, outside
    assert "0.0.0.0" in outside["nginx"]


async def knock(times: int) -> tuple[list[int], float]:
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30) as client:
        answers = await asyncio.gather(*(client.get(f"{PUBLIC}/webhooks/rest/") for _ in range(times)))
    return [answer.status_code for answer in answers], time.monotonic() - started


def test_one_client_is_slowed_down_per_address(scaled: Stack) -> None:
    """10 requests a second and a burst of 30 per client address (the ingress's figures): of 80 at once
    from one address, only the burst and what the rate adds meanwhile pass; the others get 429.
    Last in this module: it empties the bucket."""
    codes, seconds = asyncio.run(knock(80))
    assert set(codes) == {200, 429}
    allowed = nginx_config.DEFAULT_BURST + 1 + nginx_config.DEFAULT_REQUESTS_PER_SECOND * seconds
    assert codes.count(200) <= allowed, f"{codes.count(200)} passed in {seconds:.1f} s"
