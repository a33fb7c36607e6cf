"""Faults under load (issue 16 S5), on the scaled profile (2 Rasa servers, 2 action servers, nginx):
N employers run the whole German intake at once; after a share of the turns one Rasa server is
killed with SIGKILL and started again, later one action server. Then staff move every case told to
an employer, one more Rasa server is killed meanwhile, and each employer writes once more.

Printed: turns whose first try failed (a polite error: the bot's `action_server_unavailable` when no
action server answered, or an HTTP error status within 10 s, which the widget shows as "not confirmed,
send again?"; an answer without text; or no answer within 10 s),
and whether the employer's one resend went through; intakes completed versus tickets in the backend
and cases still in the outbox per employer (goal: exactly one ticket each); status notices delivered
by the backend versus told in the chat.

Run: make bench-scaled BENCH_ARGS=--faults   (or .venv-rasa/bin/python bench/scaled.py --faults)
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "e2e"))
import local_services  # noqa: E402
from intake_script import CARPENTER_IN_GARBSEN_DE  # type: ignore[import-not-found]  # noqa: E402 (tests are not type-checked)
from processes import shifted_ports  # noqa: E402
from stack import BACKEND_PYTHON, Scale, Stack, is_healthy, scaled_on_throwaway_databases  # noqa: E402

from bot.texts import text as bot_text  # noqa: E402

TURN_LIMIT_SECONDS = 10.0
RESEND_AFTER_SECONDS = 1.0
KILL_RASA_AT, KILL_ACTIONS_AT = 0.15, 0.45  # shares of the planned turns done
CONSENT = "Ja, einverstanden"
APOLOGY = bot_text("action_server_unavailable", "de")  # channels/action_failures.py
REFERENCE = re.compile(r"LT-\d{4}-[0-9A-HJKMNP-TV-Z]{6}")
TREES = (
    "Ahorn", "Birke", "Buche", "Eiche", "Erle", "Esche", "Fichte", "Kiefer", "Linde", "Pappel", "Ulme", "Weide",
    "Tanne", "Eibe", "Hasel", "Kastanie", "Walnuss", "Kirsche", "Robinie", "Platane", "Zeder", "Zirbe", "Elsbeere",
    "Mehlbeere",
)  # fmt: skip
NOTICE_WAIT_SECONDS = 120
NOTICE_STATUS = "in_pre_check"
PRE_CHECK_ORG = "hwk_hannover"  # a carpenter's case (tests/e2e/test_status_notices.py)
FAULT_ENV = {
    "LOTSE_MESSAGE_RATE": "1000000/minute",
    "LOTSE_PROXY_RATE_PER_SECOND": "100000",
    "LOTSE_PROXY_BURST": "100000",
    "LOTSE_CASES_PER_ADDRESS_PER_DAY": "100000",
    "LOTSE_OUTBOX_INTERVAL_SECONDS": "1",
    "LOTSE_STATUS_NOTICE_BACKOFF_SECONDS": "2",
}


@dataclass
class Employer:
    number: int
    sender: str
    email: str
    answers: List[str]
    reference: Optional[str] = None
    told_notice: bool = False


@dataclass
class Tally:
    planned: int
    attempts: int = 0
    first_try: Counter = field(default_factory=Counter)  # ok, polite_error, http_error, empty, hung
    resend: Counter = field(default_factory=Counter)
    slowest_seconds: float = 0.0
    kills: List[str] = field(default_factory=list)
    back_after_seconds: Dict[str, float] = field(default_factory=dict)  # SIGKILL until healthy again


def employers(count: int) -> List[Employer]:
    made = []
    for number in range(count):
        tree = TREES[number % len(TREES)] + ("" if number < len(TREES) else str(number))
        email = f"kontakt{number}@tischlerei-{tree.lower()}.de"
        replaced = {
            "Tischlerei Sonnenschein GmbH": f"Tischlerei {tree} GmbH",
            "personal@tischlerei-sonnenschein.de": email,
        }
        answers = [replaced.get(answer, answer) for answer in CARPENTER_IN_GARBSEN_DE] + [CONSENT]
        made.append(Employer(number, f"faults-{os.urandom(8).hex()}", email, answers))
    return made


async def attempt(client: httpx.AsyncClient, url: str, sender: str, text: str, tally: Tally) -> Tuple[str, str]:
    """One try: its outcome and the reply's text."""
    started = time.perf_counter()
    tally.attempts += 1
    try:
        answer = await client.post(url, json={"sender": sender, "message": text, "metadata": {"language": "de"}})
    except httpx.TimeoutException:
        return "hung", ""
    except httpx.HTTPError:
        return "http_error", ""  # refused or reset: the widget says "not sent, try again"
    finally:
        tally.slowest_seconds = max(tally.slowest_seconds, time.perf_counter() - started)
    if answer.status_code != 200:
        return "http_error", ""
    text_reply = "\n".join(message.get("text", "") for message in answer.json())
    if text_reply == APOLOGY:  # the action server could not be reached: the bot asks for the message again
        return "polite_error", text_reply
    return ("ok" if text_reply else "empty"), text_reply


async def turn(client: httpx.AsyncClient, url: str, sender: str, text: str, tally: Tally) -> str:
    """A turn as an employer takes it: after an error, an empty answer or no answer, one resend."""
    outcome, reply = await attempt(client, url, sender, text, tally)
    tally.first_try[outcome] += 1
    if outcome == "ok":
        return reply
    await asyncio.sleep(RESEND_AFTER_SECONDS)
    outcome, reply = await attempt(client, url, sender, text, tally)
    tally.resend[outcome] += 1
    return reply


async def intake(client: httpx.AsyncClient, url: str, employer: Employer, tally: Tally) -> None:
    reply = ""
    for text in employer.answers:
        reply = await turn(client, url, employer.sender, text, tally)
    match = REFERENCE.search(reply)
    employer.reference = match.group(0) if match else None


def kill_and_restart(stack: Stack, name: str, tally: Tally) -> None:
    process = stack.processes[name]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    stack.start_process(stack.spec(name))
    tally.kills.append(f"{name} at attempt {tally.attempts}")


async def back_in_service(stack: Stack, name: str, tally: Tally) -> None:
    started = time.monotonic()
    url = stack.spec(name).health_url or ""
    while not await asyncio.to_thread(is_healthy, url):
        await asyncio.sleep(0.5)
    tally.back_after_seconds[name] = time.monotonic() - started


async def inject_faults(stack: Stack, tally: Tally) -> None:
    recoveries = []
    for share, name in ((KILL_RASA_AT, "rasa-2"), (KILL_ACTIONS_AT, "actions-1")):
        while tally.attempts < share * tally.planned:
            await asyncio.sleep(0.2)
        kill_and_restart(stack, name, tally)
        recoveries.append(asyncio.create_task(back_in_service(stack, name, tally)))
    await asyncio.gather(*recoveries)


async def intakes_under_faults(stack: Stack, people: Sequence[Employer]) -> Tally:
    tally = Tally(planned=sum(len(person.answers) for person in people))
    url = f"http://127.0.0.1:{stack.ports.rasa}/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=len(people) + 5)
    async with httpx.AsyncClient(timeout=TURN_LIMIT_SECONDS, limits=limits) as client:
        faults = asyncio.create_task(inject_faults(stack, tally))
        await asyncio.gather(*(intake(client, url, person, tally) for person in people))
        await faults  # both restarted processes healthy again before the next phase
    return tally


def database(stack: Stack, variable: str) -> str:
    return stack.extra_env[variable].rsplit("/", 1)[1]


def count(database_name: str, statement: str) -> int:
    return int(local_services.psql(database_name, statement) or 0)


def tickets_per_employer(stack: Stack, people: Sequence[Employer]) -> Dict[int, Tuple[int, int]]:
    """Per employer: tickets in the backend and cases still waiting in the bot's outbox."""
    backend, state = database(stack, "DATABASE_URL"), database(stack, "LOTSE_BOT_STATE_URL")
    counts = {}
    for person in people:
        pattern = f"'%{person.email}%'"  # made by employers(): letters, digits, @ . - only
        tickets = count(backend, f"SELECT count(*) FROM tickets WHERE case_data::text LIKE {pattern}")
        waiting = count(state, f"SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND body LIKE {pattern}")
        counts[person.number] = (tickets, waiting)
    return counts


def staff_token(stack: Stack) -> str:
    command = [str(BACKEND_PYTHON), "-m", "backend", "create-user", "--org", PRE_CHECK_ORG, "--role", "staff"]
    token = local_services.backend_command(
        [*command, "--username", "faults-staff"], {**stack.environment(), "LOTSE_PROFILE": "production"}
    )
    if token is None:
        raise RuntimeError("could not create the staff account")
    return token


def move_cases(stack: Stack, references: Sequence[str]) -> int:
    token = staff_token(stack)
    moved = 0
    for reference in references:
        answer = httpx.post(
            f"http://127.0.0.1:{stack.ports.backend}/api/v1/tickets/{reference}/transitions",
            json={"to": NOTICE_STATUS},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        moved += answer.status_code == 200
    return moved


def notices_settled(stack: Stack, references: Sequence[str]) -> Counter:
    """The backend's status notices of these cases by state (delivered, pending, failed)."""
    listed = ",".join(f"'{reference}'" for reference in references)  # each matched REFERENCE
    rows = local_services.psql(
        database(stack, "DATABASE_URL"),
        "SELECT n.state, count(*) FROM status_notices n JOIN tickets t ON t.id = n.ticket_id"
        f" WHERE t.reference IN ({listed or 'NULL'}) GROUP BY n.state",
    )
    return Counter({state: int(number) for state, number in (line.split("|") for line in rows.splitlines() if line)})


def wait_for_notices(stack: Stack, references: Sequence[str]) -> Counter:
    deadline = time.monotonic() + NOTICE_WAIT_SECONDS
    states = notices_settled(stack, references)
    while time.monotonic() < deadline and sum(states.values()) - states["delivered"] - states["failed"] > 0:
        time.sleep(1)
        states = notices_settled(stack, references)
    return states


async def tell_notices(stack: Stack, people: Sequence[Employer], tally: Tally) -> None:
    url = f"http://127.0.0.1:{stack.ports.rasa}/webhooks/rest/webhook"
    async with httpx.AsyncClient(timeout=TURN_LIMIT_SECONDS) as client:
        replies = await asyncio.gather(*(turn(client, url, person.sender, "Danke", tally) for person in people))
    for person, reply in zip(people, replies):
        person.told_notice = bool(person.reference) and f"Fall {person.reference}" in reply


def notices_phase(stack: Stack, people: Sequence[Employer]) -> Tuple[int, Counter, Tally]:
    told = [person for person in people if person.reference]
    references = [person.reference for person in told if person.reference]
    moved = move_cases(stack, references)
    tally = Tally(planned=len(told))
    kill_and_restart(stack, "rasa-1", tally)  # while the backend's worker sends the notices
    states = wait_for_notices(stack, references)
    asyncio.run(tell_notices(stack, told, tally))
    return moved, states, tally


def print_turns(title: str, tally: Tally) -> None:
    turns = sum(tally.first_try.values())
    failed = turns - tally.first_try["ok"]
    print(
        f"{title}: {turns} turns, {failed} failed at the first try ({failed / max(turns, 1):.1%}), {tally.attempts} tries"
    )
    print(f"  first try: {dict(tally.first_try)}; the one resend: {dict(tally.resend)}")
    print(
        f"  slowest try {tally.slowest_seconds:.1f} s (limit {TURN_LIMIT_SECONDS:.0f} s); killed: {', '.join(tally.kills)}"
    )
    back = ", ".join(f"{name} after {seconds:.0f} s" for name, seconds in tally.back_after_seconds.items())
    print(f"  healthy again: {back or 'not measured'}")


def print_cases(people: Sequence[Employer], counts: Dict[int, Tuple[int, int]]) -> None:
    completed = [person for person in people if person.reference]
    tickets = Counter(counts[person.number][0] for person in people)
    waiting = sum(counts[person.number][1] for person in people)
    print(f"intakes completed (reference told): {len(completed)} of {len(people)}")
    print(
        f"  employers by number of tickets in the backend: {dict(sorted(tickets.items()))}; cases still in the outbox: {waiting}"
    )
    for person in people:
        if counts[person.number][0] != 1 or (person.reference is None) != (counts[person.number][0] == 0):
            state = "completed" if person.reference else "not completed"
            print(
                f"  employer {person.number}: {state}, {counts[person.number][0]} ticket(s), {counts[person.number][1]} in the outbox"
            )


def print_notices(moved: int, states: Counter, people: Sequence[Employer]) -> None:
    told = sum(person.told_notice for person in people)
    print(f"status notices: {moved} cases moved, backend notices {dict(states)}, told in the chat {told}")


def passed_on(stack: Stack) -> Counter:
    """Chat requests nginx passed on to the other Rasa server after the first failed, by final status
    (its access log lists every server tried: `upstream_status=502, 200`)."""
    log = (stack.log_dir / "nginx-access.log").read_text(encoding="utf-8")
    return Counter(
        line.split()[4]
        for line in log.splitlines()
        if '"POST /webhooks/rest/webhook"' in line and "," in line.split("upstream_status=", 1)[-1]
    )


def run_faults(conversations: int) -> int:
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}", flush=True)
    people = employers(conversations)
    with (
        tempfile.TemporaryDirectory() as var_dir,
        scaled_on_throwaway_databases(Path(var_dir), shifted_ports(), Scale(2, 2), "lotse_faults", FAULT_ENV) as stack,
    ):
        started = time.monotonic()
        tally = asyncio.run(intakes_under_faults(stack, people))
        intake_seconds = time.monotonic() - started
        counts = tickets_per_employer(stack, people)
        moved, states, notice_tally = notices_phase(stack, people)
        load = os.getloadavg()[0]
        print(f"\n{conversations} intakes at once in {intake_seconds:.0f} s; load average {load:.1f} at the end")
        print_turns("intake turns", tally)
        print_cases(people, counts)
        print_turns("'Danke' turns after the status change", notice_tally)
        print_notices(moved, states, people)
        print(f"chat requests nginx passed on to the other Rasa server, by final status: {dict(passed_on(stack))}")
    return 0
