"""Shared fixtures of the connector tests. Every test module marks itself `pytest.mark.asyncio`."""

import sys
from pathlib import Path

import pytest
from sanic import Sanic

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `channels` is importable however pytest is started
    sys.path.insert(0, str(REPO_ROOT))

from channels.connector_store import ConnectorStore  # noqa: E402
from channels.message_limits import shared_limiter  # noqa: E402
from tests.postgres_database import postgres_state_url  # noqa: E402, F401 (a fixture)

Sanic.test_mode = True  # many short-lived apps in one process


@pytest.fixture
def store(tmp_path: Path) -> ConnectorStore:
    return ConnectorStore(tmp_path / "channels.sqlite3")


@pytest.fixture(autouse=True)
def isolated_var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does lands in the repository's var/."""
    var = tmp_path / "var"
    monkeypatch.setenv("LOTSE_VAR_DIR", str(var))
    return var


@pytest.fixture(autouse=True)
def generous_message_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connector tests send many messages as one user; test_channel_message_limits.py tests the limit."""
    monkeypatch.setenv("LOTSE_MESSAGE_RATE", "10000/minute")
    shared_limiter.cache_clear()
