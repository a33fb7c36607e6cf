"""Test helpers for the backend suite: a settable clock, seeded accounts, an API caller."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from ticket_bodies import ticket_body

from backend.domain.permissions import Role

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


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
