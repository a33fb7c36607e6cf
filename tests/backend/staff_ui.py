"""Helpers for the staff UI tests: accounts with passwords, a logged-in browser-like client."""

import re
from collections.abc import Callable
from datetime import datetime

import httpx
from sanic import Sanic

from backend.domain.permissions import Role
from backend.services import accounts as account_service
from backend.services import two_factor

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOTP_SECRETS: dict[str, tuple[str, Callable[[], datetime]]] = {}  # admins made here: second factor, app clock


async def user_with_password(app: Sanic, username: str, organisation: str, role: Role = Role.STAFF) -> str:
    """A user with PASSWORD; an admin also gets a second factor, which `log_in` answers."""
    async with app.ctx.sessions() as session, session.begin():
        user = await account_service.create_user(
            session,
            username=username,
            role=role,
            organisation=organisation,
            actor="test",
            now=app.ctx.clock(),
            password=PASSWORD,
        )
        TOTP_SECRETS.pop(username, None)
        if role is Role.ADMIN:
            TOTP_SECRETS[username] = (two_factor.new_secret(), app.ctx.clock)
            two_factor.enrol(session, user, TOTP_SECRETS[username][0], username, app.ctx.clock())
    return username


def csrf_of(page: httpx.Response) -> str:
    match = _CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


async def log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    form = await client.get("/staff/login")
    data = {"csrf_token": csrf_of(form), "username": username, "password": password}
    if username in TOTP_SECRETS:
        secret, clock = TOTP_SECRETS[username]
        data["code"] = two_factor.current_code(secret, clock())
    return await client.post("/staff/login", data=data)


async def page_csrf(client: httpx.AsyncClient, path: str = "/staff/tickets") -> str:
    return csrf_of(await client.get(path))
