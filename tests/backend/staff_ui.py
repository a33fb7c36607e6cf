"""Helpers for the staff UI tests: accounts with passwords, a logged-in browser-like client."""

import re

import httpx
from sanic import Sanic

from backend.domain.permissions import Role
from backend.services import accounts as account_service

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def user_with_password(app: Sanic, username: str, organisation: str, role: Role = Role.STAFF) -> str:
    async with app.ctx.sessions() as session, session.begin():
        await account_service.create_user(
            session,
            username=username,
            role=role,
            organisation=organisation,
            actor="test",
            now=app.ctx.clock(),
            password=PASSWORD,
        )
    return username


def csrf_of(page: httpx.Response) -> str:
    match = _CSRF.search(page.text)
    assert match, page.text
    return match.group(1)


async def log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    form = await client.get("/staff/login")
    return await client.post(
        "/staff/login", data={"csrf_token": csrf_of(form), "username": username, "password": password}
    )


async def page_csrf(client: httpx.AsyncClient, path: str = "/staff/tickets") -> str:
    return csrf_of(await client.get(path))
