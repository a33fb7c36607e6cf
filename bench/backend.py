"""Ticket-creation throughput and p95 latency of the real backend, on SQLite and PostgreSQL.

Run from the repo root: `.venv-backend/bin/python bench/backend.py [--requests 300] [--concurrency 8]`.
Each run starts `python -m backend serve` on a free loopback port with a fresh database in a
temporary directory (PostgreSQL: a throw-away database on 127.0.0.1:5432), posts bounded
numbers of distinct tickets as the bot, then stops the server and removes the database.
"""

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

REPO_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
STARTUP_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def reference(number: int) -> str:
    code = "".join(CROCKFORD[(number >> (5 * shift)) & 31] for shift in reversed(range(6)))
    return f"LT-2026-{code}"


def ticket(number: int) -> dict[str, Any]:
    return {
        "reference": reference(number),
        "language": "de",
        "case": {
            "company_name": f"Bench GmbH {number}",
            "contact_email": "bench@example.org",
            "occupation": "Tischler",
            "business_type": "craft",
            "workplace_municipality": "garbsen",
        },
        "routing": {"pre_check_org": {"id": "hwk_hannover", "name": "Handwerkskammer Hannover"}},
        "checklist": [{"item": "vollmacht", "state": "missing"}, {"item": "passport_copy", "state": "missing"}],
        "consent": {"given_at": "2026-11-26T10:00:00+01:00", "text_version": "2026-11"},
    }


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"lotse_bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_server(var_dir: Path, database_url: str) -> Iterator[str]:
    port = free_port()
    environment = {**os.environ, "LOTSE_VAR_DIR": str(var_dir), "DATABASE_URL": database_url, "LOTSE_PROFILE": "dev"}
    log = (var_dir / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the backend exited during startup; see server.log")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the backend did not become healthy in time")


async def post_tickets(base_url: str, token: str, count: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    numbers = iter(range(count))
    headers = {"Authorization": f"Bearer {token}"}

    async def worker(client: httpx.AsyncClient) -> None:
        for number in numbers:
            started = time.perf_counter()
            response = await client.post("/api/v1/tickets", json=ticket(number), headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(f"unexpected {response.status_code}: {response.text[:200]}")

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


def bench(label: str, database_url: str, var_dir: Path, count: int, concurrency: int) -> None:
    with running_server(var_dir, database_url) as base_url:
        token = json.loads((var_dir / "dev-credentials.json").read_text())["bot"]["api_token"]
        elapsed, latencies = asyncio.run(post_tickets(base_url, token, count, concurrency))
    p95 = statistics.quantiles(latencies, n=100)[94] * 1000
    print(
        f"{label:<10} {count} tickets, concurrency {concurrency}: {count / elapsed:7.1f} tickets/s, "
        f"p95 {p95:6.1f} ms, median {statistics.median(latencies) * 1000:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lotse-bench-") as scratch:
        sqlite_dir = Path(scratch, "sqlite")
        sqlite_dir.mkdir()
        bench(
            "sqlite",
            f"sqlite:///{sqlite_dir / 'backend.sqlite3'}",
            sqlite_dir,
            arguments.requests,
            arguments.concurrency,
        )
        postgres_dir = Path(scratch, "postgres")
        postgres_dir.mkdir()
        with postgres_database() as database_url:
            bench("postgresql", database_url, postgres_dir, arguments.requests, arguments.concurrency)


if __name__ == "__main__":
    main()
