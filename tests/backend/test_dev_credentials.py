"""D8: the dev profile writes and reuses var/dev-credentials.json; production creates no accounts."""

import asyncio
import json
import stat
from pathlib import Path

from sqlalchemy import func, select

from backend.__main__ import prepare_database
from backend.database.engine import Database
from backend.database.models import User
from backend.services.accounts import Principal, authenticate, password_matches
from backend.settings import Settings

STAFF_KEYS = ("ihk_hannover", "hwk_hannover", "welcome_center", "zentralstelle", "admin")


def _principal(settings: Settings, token: str) -> Principal | None:
    async def lookup() -> Principal | None:
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session:
                return await authenticate(session, token)
        finally:
            await database.dispose()

    return asyncio.run(lookup())


def _user_count(settings: Settings) -> int:
    async def count() -> int:
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session:
                return await session.scalar(select(func.count()).select_from(User)) or 0
        finally:
            await database.dispose()

    return asyncio.run(count())


def test_first_start_writes_the_credentials_file_private_and_complete(settings: Settings) -> None:
    prepare_database(settings)
    path = settings.credentials_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = json.loads(path.read_text())
    assert set(content) == {*STAFF_KEYS, "bot"}
    for key in STAFF_KEYS:
        second_factor = {"totp_secret"} if key == "admin" else set()
        assert set(content[key]) == {"username", "password", "api_token", *second_factor}
    assert set(content["bot"]) == {"api_token"}
    assert len({entry["api_token"] for entry in content.values()}) == 6


def test_the_file_tokens_work_with_the_documented_organisations_and_roles(settings: Settings) -> None:
    prepare_database(settings)
    content = json.loads(settings.credentials_file.read_text())
    seen = {key: _principal(settings, content[key]["api_token"]) for key in content}
    assert {key: (p.role.value, p.organisation) for key, p in seen.items() if p} == {
        "ihk_hannover": ("staff", "ihk_hannover"),
        "hwk_hannover": ("staff", "hwk_hannover"),
        "welcome_center": ("staff", "welcome_center"),
        "zentralstelle": ("staff", "zentralstelle"),
        "admin": ("admin", "welcome_center"),
        "bot": ("bot", None),
    }


def test_second_start_reuses_file_and_accounts(settings: Settings) -> None:
    prepare_database(settings)
    first = settings.credentials_file.read_text()
    prepare_database(settings)
    assert settings.credentials_file.read_text() == first
    assert _user_count(settings) == 6


def test_new_database_next_to_an_old_file_recreates_the_accounts_from_it(settings: Settings, tmp_path: Path) -> None:
    prepare_database(settings)
    content = json.loads(settings.credentials_file.read_text())
    fresh = Settings(var_dir=settings.var_dir, database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    prepare_database(fresh)
    assert json.loads(fresh.credentials_file.read_text()) == content
    bot = _principal(fresh, content["bot"]["api_token"])
    assert bot is not None and bot.username == "lotse-bot"


def test_production_profile_creates_no_accounts_and_no_file(settings: Settings) -> None:
    production = settings.model_copy(update={"profile": "production"})
    prepare_database(production)
    assert not production.credentials_file.exists()
    assert _user_count(production) == 0


def test_file_passwords_match_the_stored_argon2_hashes(settings: Settings) -> None:
    prepare_database(settings)
    content = json.loads(settings.credentials_file.read_text())

    async def stored_hash() -> str | None:
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session:
                return await session.scalar(select(User.password_hash).where(User.username == "admin"))
        finally:
            await database.dispose()

    password_hash = asyncio.run(stored_hash())
    assert password_hash is not None and password_hash.startswith("$argon2")
    assert password_matches(password_hash, content["admin"]["password"])
    assert not password_matches(password_hash, "wrong")


def test_a_new_sqlite_database_is_private_to_the_owner(tmp_path: Path) -> None:
    fresh = Settings(var_dir=tmp_path / "var", profile="production")
    prepare_database(fresh)
    assert stat.S_IMODE((tmp_path / "var" / "backend.sqlite3").stat().st_mode) == 0o600


def _admin(settings: Settings) -> User:
    async def lookup() -> User:
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session:
                user = await session.scalar(select(User).where(User.role == "admin"))
                assert user is not None
                return user
        finally:
            await database.dispose()

    return asyncio.run(lookup())


def test_the_dev_admin_has_the_second_factor_of_the_file(settings: Settings) -> None:
    prepare_database(settings)
    content = json.loads(settings.credentials_file.read_text())
    assert _admin(settings).totp_secret == content["admin"]["totp_secret"]


def test_a_file_from_before_the_second_factor_gets_one_for_the_admin(settings: Settings) -> None:
    prepare_database(settings)
    content = json.loads(settings.credentials_file.read_text())
    del content["admin"]["totp_secret"]
    settings.credentials_file.write_text(json.dumps(content))
    prepare_database(settings)
    upgraded = json.loads(settings.credentials_file.read_text())
    assert upgraded["admin"]["password"] == content["admin"]["password"]
    assert _admin(settings).totp_secret == upgraded["admin"]["totp_secret"]
    assert stat.S_IMODE(settings.credentials_file.stat().st_mode) == 0o600
