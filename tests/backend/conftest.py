"""Fixtures: the real app on a real database, SQLite and PostgreSQL for every test.

PostgreSQL must be reachable at 127.0.0.1:5432 (trust auth; `LOTSE_TEST_POSTGRES_SERVER` overrides
`postgres@127.0.0.1:5432`): when it is not, the PostgreSQL half of the suite errors instead of
being skipped.
"""

import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from backend_harness import ACCOUNTS, Account, Api, FakeClock
from http_receiver import Receiver, receiving
from sanic import Sanic

from backend.app import create_app
from backend.database.migrate import upgrade_to_head
from backend.services import accounts as account_service
from backend.settings import Settings

POSTGRES_SERVER = os.environ.get("LOTSE_TEST_POSTGRES_SERVER", "postgres@127.0.0.1:5432")
POSTGRES_ADMIN_URL = f"postgresql://{POSTGRES_SERVER}/postgres"
TABLES_CHILDREN_FIRST = (
    "insight_facts",
    "insight_consumer_reports",
    "status_notices",
    "deliveries",
    "forwarding_packages",
    "staff_sessions",
    "login_failures",
    "audit_events",
    "comments",
    "checklist_items",
    "tickets",
    "api_tokens",
    "users",
)

Sanic.test_mode = True  # many apps of the same name in one process


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2, with parameters small enough for two loaded cores."""
    monkeypatch.setattr(
        account_service, "_password_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "backend.sqlite3"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"lotse_test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://{POSTGRES_SERVER}/{name}"
    try:
        upgrade_to_head(url)
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    """DELETE is faster than TRUNCATE on tiny tables; replica mode lets it past the audit guard."""
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("SET session_replication_role = replica")
        for table in TABLES_CHILDREN_FIRST:
            connection.execute(f"DELETE FROM {table}")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "backend.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        var_dir=tmp_path / "var",
        database_url=database_url,
        first_response_target_hours=48,
        forward_worker=False,
        allow_dev_profile_on_postgresql=True,  # the suite's throw-away databases
    )


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[Sanic]:
    application = create_app(settings, clock)
    application.ctx.pauses = []  # the login delays, recorded instead of waited for

    async def record_pause(seconds: float) -> None:
        application.ctx.pauses.append(seconds)

    application.ctx.pause = record_pause
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://backend.test") as http:
        yield http


@pytest.fixture
async def accounts(app: Sanic, clock: FakeClock) -> dict[str, Account]:
    seeded: dict[str, Account] = {}
    async with app.ctx.sessions() as session, session.begin():
        for key, (role, organisation) in ACCOUNTS.items():
            username = key.replace("_", "-")
            user = await account_service.create_user(
                session, username=username, role=role, organisation=organisation, actor="test", now=clock()
            )
            token = account_service.new_token()
            await account_service.add_token(session, user, token, clock())
            seeded[key] = Account(username, role, organisation, token)
    return seeded


@pytest.fixture
def api(client: httpx.AsyncClient, accounts: dict[str, Account]) -> Api:
    return Api(client, accounts)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as state:
        yield state
