"""Fixtures: the real app on a real database, SQLite and PostgreSQL for every test.

PostgreSQL must be reachable at 127.0.0.1:5432 (trust auth): when it is not, the PostgreSQL
half of the suite errors instead of being skipped.
"""

import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from sanic import Sanic
from ticket_bodies import ticket_body

from backend.app import create_app
from backend.database.migrate import upgrade_to_head
from backend.domain.permissions import Role
from backend.services import accounts as account_service
from backend.settings import Settings

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TABLES_CHILDREN_FIRST = ("audit_events", "comments", "checklist_items", "tickets", "api_tokens", "users")
START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

Sanic.test_mode = True  # many apps of the same name in one process


class FakeClock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass(frozen=True)
class Account:
    username: str
    role: Role
    organisation: str | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


# key → (role, organisation)
ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "bot": (Role.BOT, None),
    "ihk": (Role.STAFF, "ihk_hannover"),
    "ihk_admin": (Role.ADMIN, "ihk_hannover"),
    "hwk": (Role.STAFF, "hwk_hannover"),
    "hwk_2": (Role.STAFF, "hwk_hannover"),
    "hwk_admin": (Role.ADMIN, "hwk_hannover"),
    "welcome": (Role.STAFF, "welcome_center"),
    "welcome_admin": (Role.ADMIN, "welcome_center"),
    "zentralstelle": (Role.STAFF, "zentralstelle"),
    "zentralstelle_admin": (Role.ADMIN, "zentralstelle"),
}


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
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
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
    return Settings(var_dir=tmp_path / "var", database_url=database_url, first_response_target_hours=48)


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[Sanic]:
    application = create_app(settings, clock)
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


class Api:
    """Calls the API as one of the seeded accounts and checks the status."""

    def __init__(self, client: httpx.AsyncClient, accounts: dict[str, Account]) -> None:
        self.client = client
        self.accounts = accounts

    async def call(self, who: str, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        headers = self.accounts[who].headers if who else {}
        response = await self.client.request(method, path, headers=headers, **kwargs)
        assert response.status_code == expect, response.text
        return response.json()

    async def create(self, body: dict[str, Any], expect: int = 201) -> Any:
        return await self.call("bot", "POST", "/api/v1/tickets", expect, json=body)

    async def ticket(self, reference: str = "LT-2026-7K3QZD", org: str = "hwk_hannover", **case: Any) -> Any:
        return await self.create(ticket_body(reference, org, **case))

    async def move(self, who: str, reference: str, to: str, expect: int = 200, **extra: Any) -> Any:
        return await self.call(
            who, "POST", f"/api/v1/tickets/{reference}/transitions", expect, json={"to": to, **extra}
        )


@pytest.fixture
def api(client: httpx.AsyncClient, accounts: dict[str, Account]) -> Api:
    return Api(client, accounts)
