"""Development accounts and `<var>/dev-credentials.json` (dev profile only).

The file is the source of truth: a missing file is generated, and the accounts in it are
(re)created in the database when missing, so a fresh database next to an old file still works
with the tokens the action server already read. The `admin` entry is an admin of the
Welcome Center (role admin, organisation welcome_center): it manages that organisation's users;
like every admin it logs in with a second factor, whose TOTP secret is its entry's `totp_secret`.
"""

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.engine import Sessions
from backend.domain.permissions import Role
from backend.services import accounts, two_factor
from backend.services.accounts import new_password, new_token

DEV_ACTOR = "system:dev-bootstrap"


@dataclass(frozen=True)
class DevAccount:
    key: str
    username: str
    role: Role
    organisation: str | None


DEV_ACCOUNTS = (
    DevAccount("ihk_hannover", "ihk-staff", Role.STAFF, "ihk_hannover"),
    DevAccount("hwk_hannover", "hwk-staff", Role.STAFF, "hwk_hannover"),
    DevAccount("welcome_center", "welcome-staff", Role.STAFF, "welcome_center"),
    DevAccount("zentralstelle", "zentralstelle-staff", Role.STAFF, "zentralstelle"),
    DevAccount("admin", "admin", Role.ADMIN, "welcome_center"),
    DevAccount("bot", "lotse-bot", Role.BOT, None),
)


def _generated_entry(account: DevAccount) -> dict[str, str]:
    if account.role is Role.BOT:
        return {"api_token": new_token()}
    entry = {"username": account.username, "password": new_password(), "api_token": new_token()}
    if account.role is Role.ADMIN:
        entry["totp_secret"] = two_factor.new_secret()  # admins need a second factor, the dev admin too
    return entry


def _write_private(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)
        handle.write("\n")
    os.chmod(path, 0o600)


def load_or_create_file(path: Path) -> dict[str, dict[str, str]]:
    """The file's accounts; an admin entry from before the second factor gets its TOTP secret added."""
    if path.exists():
        loaded: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
        admins = [account.key for account in DEV_ACCOUNTS if account.role is Role.ADMIN]
        if any("totp_secret" not in loaded.get(key, {"totp_secret": ""}) for key in admins):
            for key in admins:
                loaded[key].setdefault("totp_secret", two_factor.new_secret())
            _write_private(path, loaded)
        return loaded
    content = {account.key: _generated_entry(account) for account in DEV_ACCOUNTS}
    _write_private(path, content)
    return content


async def _ensure_account(session: AsyncSession, account: DevAccount, entry: dict[str, str], now: datetime) -> None:
    username = entry.get("username", account.username)
    user = await accounts.find_user(session, username)
    if user is None:
        user = await accounts.create_user(
            session,
            username=username,
            role=account.role,
            organisation=account.organisation,
            actor=DEV_ACTOR,
            now=now,
            password=entry.get("password"),
        )
    if entry.get("totp_secret") and user.totp_secret != entry["totp_secret"]:
        user.totp_secret, user.totp_last_step = entry["totp_secret"], None
    if not await accounts.has_token(session, user, entry["api_token"]):
        await accounts.add_token(session, user, entry["api_token"], now)


async def ensure_dev_accounts(sessions: Sessions, path: Path, now: datetime) -> None:
    content = load_or_create_file(path)
    async with sessions() as session, session.begin():
        for account in DEV_ACCOUNTS:
            await _ensure_account(session, account, content[account.key], now)
