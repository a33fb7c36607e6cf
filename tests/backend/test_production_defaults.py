"""Issue 15 P6: production refuses development defaults. No dev profile on PostgreSQL, no dev account
outside dev, Secure cookies and HSTS in production, API tokens that expire and can be rotated."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from backend_harness import Api, FakeClock
from pydantic import ValidationError
from sanic import Sanic
from sqlalchemy import func, select
from staff_ui import log_in, user_with_password

from backend.__main__ import create_user as cli_create_user
from backend.__main__ import main as cli_main
from backend.__main__ import prepare_database
from backend.__main__ import rotate_token as cli_rotate_token
from backend.app import create_app
from backend.database.engine import Database
from backend.database.models import ApiToken, User
from backend.domain.permissions import Role
from backend.services import accounts
from backend.settings import Settings

POSTGRES_URL = "postgresql+psycopg://lotse@db.example/lotse"


def test_the_dev_profile_on_postgresql_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="LOTSE_PROFILE is dev"):
        Settings(var_dir=tmp_path, database_url=POSTGRES_URL)
    assert Settings(var_dir=tmp_path, database_url=POSTGRES_URL, profile="production").profile == "production"


def test_the_command_line_says_so_instead_of_a_trace(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    monkeypatch.delenv("LOTSE_PROFILE", raising=False)
    monkeypatch.delenv("LOTSE_ALLOW_DEV_PROFILE_ON_POSTGRESQL", raising=False)
    assert cli_main(["retention"]) == 2
    assert "LOTSE_PROFILE is dev" in capsys.readouterr().err


def test_production_creates_no_account_and_no_credentials_file(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", profile="production")
    prepare_database(settings)

    async def users() -> int:
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session:
                return await session.scalar(select(func.count()).select_from(User)) or 0
        finally:
            await database.dispose()

    assert asyncio.run(users()) == 0 and not settings.credentials_file.exists()


async def test_production_sets_secure_cookies_and_hsts(settings: Settings, clock: FakeClock) -> None:
    production = settings.model_copy(update={"profile": "production", "secure_cookies": True})
    assert Settings(var_dir=settings.var_dir, profile="production").secure_cookies is True
    application = create_app(production, clock)
    async with LifespanManager(application):
        await user_with_password(application, "hwk-ui", "hwk_hannover")
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="https://backend.test") as client:
            answer = await log_in(client, "hwk-ui")
            health = await client.get("/api/v1/health")
    cookie = next(value for value in answer.headers.get_list("set-cookie") if value.startswith("lotse_session="))
    assert "Secure" in cookie
    for response in (answer, health):
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_dev_sends_no_hsts(client: httpx.AsyncClient) -> None:
    assert "strict-transport-security" not in (await client.get("/api/v1/health")).headers


async def test_an_expired_token_is_401(api: Api, app: Sanic, clock: FakeClock) -> None:
    await api.call("hwk", "GET", "/api/v1/tickets", 200)
    async with app.ctx.sessions() as session, session.begin():
        user = await accounts.find_user(session, api.accounts["hwk"].username)
        assert user is not None
        for token in (await session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))).all():
            token.expires_at = clock() + timedelta(minutes=1)
    await api.call("hwk", "GET", "/api/v1/tickets", 200)
    clock.advance(minutes=2)
    await api.call("hwk", "GET", "/api/v1/tickets", 401)


async def test_tokens_from_the_users_api_expire(api: Api, app: Sanic, clock: FakeClock) -> None:
    created = await api.call("hwk_admin", "POST", "/api/v1/users", 201, json={"username": "hwk-new", "role": "staff"})
    async with app.ctx.sessions() as session:
        expiry = await session.scalar(
            select(ApiToken.expires_at).where(ApiToken.token_sha256 == accounts.token_digest(created["api_token"]))
        )
    assert expiry == clock() + timedelta(days=app.ctx.settings.api_token_days)


def test_cli_tokens_expire_and_rotate_replaces_them(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_create_user(settings, "hwk_hannover", Role.STAFF, "hwk.rotate") == 0
    old = json.loads(capsys.readouterr().out)["api_token"]
    assert cli_rotate_token(settings, "hwk.rotate") == 0
    rotated = json.loads(capsys.readouterr().out)
    expires = datetime.fromisoformat(rotated["expires_at"])
    assert timedelta(days=364) < expires - datetime.now(UTC) <= timedelta(days=365)

    async def who(token: str) -> str | None:
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session:
                principal = await accounts.authenticate(session, token)
                return principal.username if principal else None
        finally:
            await database.dispose()

    assert asyncio.run(who(old)) is None
    assert asyncio.run(who(rotated["api_token"])) == "hwk.rotate"
    assert cli_rotate_token(settings, "nobody.here") == 2
