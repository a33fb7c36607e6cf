"""A throw-away PostgreSQL database for the bot side's state store, shared by the test folders that
test a store on both backends (tests/actions, tests/channels): import the fixture in a conftest."""

from __future__ import annotations

import os
import secrets
from typing import Iterator

import psycopg2
import pytest


@pytest.fixture(scope="session")
def postgres_state_url() -> Iterator[str]:
    """127.0.0.1:5432 trust, or `LOTSE_TEST_POSTGRES_SERVER`; when PostgreSQL is down, the tests that need it error."""
    server = os.environ.get("LOTSE_TEST_POSTGRES_SERVER", "postgres@127.0.0.1:5432")
    name = f"lotse_bot_state_{secrets.token_hex(6)}"
    admin = psycopg2.connect(f"postgresql://{server}/postgres", connect_timeout=5)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://{server}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
