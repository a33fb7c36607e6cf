"""Issue 16 S2: two outbox workers (`python -m actions.outbox_worker`, two processes as on two hosts)
share one PostgreSQL outbox holding 500 pending cases; a local HTTP server stands in for the
backend's ticket endpoint and records what arrives. Each case arrives exactly once, and both workers
took a share. PostgreSQL must be reachable (tests/actions/conftest.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from actions.outbox import Outbox

REPO = Path(__file__).resolve().parents[2]
CASES = 500


@pytest.fixture
def ticket_endpoint() -> Iterator[tuple[str, List[str]]]:
    """Answers 201 to every case after a short pause (so the workers' passes overlap) and records its reference."""
    received: List[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(0.005)
            received.append(body["reference"])
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def _worker(state_url: str, backend_url: str, log: Path) -> subprocess.Popen:
    environment = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "LOTSE_BOT_STATE_URL": state_url,
        "LOTSE_BACKEND_URL": backend_url,
        "LOTSE_BOT_API_TOKEN": "lt_outbox-claims-test",
        "LOTSE_OUTBOX_INTERVAL_SECONDS": "0.05",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "actions.outbox_worker"], cwd=REPO, env=environment, stderr=log.open("w")
    )


def _delivered_by(log: Path) -> int:
    return sum(int(count) for count in re.findall(r"delivered (\d+) queued case", log.read_text()))


def test_two_workers_deliver_each_of_500_cases_exactly_once(
    postgres_state_url: str, ticket_endpoint: tuple[str, List[str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    backend_url, received = ticket_endpoint
    state_url = postgres_state_url
    monkeypatch.setenv("LOTSE_BOT_STATE_URL", state_url)
    outbox = Outbox()
    references = [f"LT-2026-{number:06d}" for number in range(CASES)]
    for reference in references:
        outbox.put(reference, "sender", {"reference": reference})
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [_worker(state_url, backend_url, log) for log in logs]
    try:
        deadline = time.monotonic() + 300  # minutes on two shared, loaded cores
        while outbox.figures()["waiting"] and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a late second delivery would arrive now
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(10)
    assert outbox.figures() == {"waiting": 0, "dead_letters": 0, "dead_letter_references": [], "settled": CASES}
    assert Counter(received) == Counter(references)  # every case, none twice
    shares = [_delivered_by(log) for log in logs]
    assert sum(shares) == CASES and min(shares) > 0, shares
