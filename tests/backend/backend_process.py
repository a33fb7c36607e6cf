"""The backend as a real process (`python -m backend serve`) on a test database, with its dev accounts."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

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


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, httpx.Response]]:
    """The server's base URL and its first health answer; stopped on leaving."""
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
    base = f"http://127.0.0.1:{port}"
    try:
        yield base, _wait_for_health(f"{base}/api/v1/health", server)
    finally:
        server.terminate()
        server.wait(timeout=30)
