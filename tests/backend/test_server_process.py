"""The real process as `make run` starts it: migrations, dev credentials, health, a ticket."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from ticket_bodies import FULL_BODY

from backend.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_health(url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("no health answer within 60 s")


def test_serve_migrates_writes_credentials_and_accepts_the_bot(settings: Settings) -> None:
    port = _free_port()
    environment = {
        **os.environ,
        "LOTSE_VAR_DIR": str(settings.var_dir),
        "DATABASE_URL": settings.database_url,
        "LOTSE_ALLOW_DEV_PROFILE_ON_POSTGRESQL": "1",
    }
    environment.pop("LOTSE_PROFILE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        health = _wait_for_health(f"{base}/health", server)
        assert health.json() == {"status": "ok", "database": "ok", "insights": {"last_fact_at": None}}
        credentials = json.loads(settings.credentials_file.read_text())
        bot = {"Authorization": f"Bearer {credentials['bot']['api_token']}"}
        created = httpx.post(f"{base}/tickets", json=FULL_BODY, headers=bot, timeout=10)
        assert created.status_code == 201
        hwk = {"Authorization": f"Bearer {credentials['hwk_hannover']['api_token']}"}
        listed = httpx.get(f"{base}/tickets", headers=hwk, timeout=10).json()
        assert [item["reference"] for item in listed["items"]] == [FULL_BODY["reference"]]
        too_big = httpx.post(f"{base}/tickets", content=b"x" * 300_000, headers=bot, timeout=10)
        assert too_big.status_code == 413
        assert too_big.json()["error"]["code"] == "payload_too_large"
    finally:
        server.terminate()
        server.wait(timeout=15)
