"""D6/D7: admins manage their organisation's users; tokens are hashed and revocable."""

import json

import pytest
from backend_harness import Api
from sanic import Sanic
from sqlalchemy import text

from backend.__main__ import create_user as cli_create_user
from backend.__main__ import main as cli_main
from backend.domain.permissions import Role
from backend.services.accounts import token_digest
from backend.settings import Settings


async def test_admin_lists_only_the_users_of_their_organisation(api: Api) -> None:
    listed = await api.call("hwk_admin", "GET", "/api/v1/users", 200)
    assert listed["items"] == [
        {"username": "hwk", "organisation": "hwk_hannover", "role": "staff", "active": True},
        {"username": "hwk-2", "organisation": "hwk_hannover", "role": "staff", "active": True},
        {"username": "hwk-admin", "organisation": "hwk_hannover", "role": "admin", "active": True},
    ]


async def test_admin_creates_a_user_whose_token_works_at_once(api: Api) -> None:
    created = await api.call("ihk_admin", "POST", "/api/v1/users", 201, json={"username": "neu.ihk", "role": "staff"})
    assert (created["username"], created["organisation"], created["role"]) == ("neu.ihk", "ihk_hannover", "staff")
    assert len(created["password"]) >= 20 and created["api_token"].startswith("lt_")
    response = await api.client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {created['api_token']}"})
    assert response.status_code == 200
    taken = await api.call("hwk_admin", "POST", "/api/v1/users", 409, json={"username": "neu.ihk", "role": "staff"})
    assert taken["error"]["code"] == "user_not_created"


async def test_admins_cannot_create_bots_or_unknown_roles(api: Api) -> None:
    for role in ("bot", "superuser"):
        await api.call("ihk_admin", "POST", "/api/v1/users", 422, json={"username": "robot", "role": role})


async def test_deactivated_user_loses_access_and_cannot_be_assigned(api: Api) -> None:
    deactivated = await api.call("hwk_admin", "POST", "/api/v1/users/hwk-2/deactivate", 200)
    assert deactivated["active"] is False
    await api.call("hwk_2", "GET", "/api/v1/tickets", 401)


async def test_revoked_tokens_are_401_and_the_user_stays_active(api: Api) -> None:
    revoked = await api.call("hwk_admin", "POST", "/api/v1/users/hwk/tokens/revoke", 200)
    assert revoked == {"username": "hwk", "revoked": 1}
    error = await api.call("hwk", "GET", "/api/v1/tickets", 401)
    assert error["error"]["code"] == "unauthorized"
    users = (await api.call("hwk_admin", "GET", "/api/v1/users", 200))["items"]
    assert next(u for u in users if u["username"] == "hwk")["active"] is True


async def test_other_organisations_users_are_not_found(api: Api) -> None:
    await api.call("hwk_admin", "POST", "/api/v1/users/ihk/deactivate", 404)
    await api.call("hwk_admin", "POST", "/api/v1/users/ihk/tokens/revoke", 404)
    await api.call("hwk_admin", "POST", "/api/v1/users/nobody/deactivate", 404)
    await api.call("ihk", "GET", "/api/v1/tickets", 200)


async def test_staff_cannot_manage_users(api: Api) -> None:
    error = await api.call("hwk", "GET", "/api/v1/users", 403)
    assert error["error"]["code"] == "forbidden"
    await api.call("hwk", "POST", "/api/v1/users/hwk-2/deactivate", 403)


async def test_admin_cannot_deactivate_themselves(api: Api) -> None:
    error = await api.call("hwk_admin", "POST", "/api/v1/users/hwk-admin/deactivate", 409)
    assert error["error"]["code"] == "cannot_deactivate_self"


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Basic abc", "Bearer lt_not-a-real-token", "lt_x"])
async def test_missing_or_invalid_tokens_are_401(api: Api, header: str) -> None:
    response = await api.client.get("/api/v1/tickets", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_tokens_are_stored_only_as_sha256(api: Api, app: Sanic) -> None:
    async with app.ctx.sessions() as session:
        stored = (await session.execute(text("SELECT token_sha256 FROM api_tokens"))).scalars().all()
    token = api.accounts["hwk"].token
    assert token not in stored
    assert token_digest(token) in stored


def test_cli_create_user_prints_the_credentials_once(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_create_user(settings, "zentralstelle", Role.ADMIN, "z.admin") == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["username"], printed["organisation"], printed["role"]) == ("z.admin", "zentralstelle", "admin")
    assert printed["password"] and printed["api_token"].startswith("lt_")
    assert cli_create_user(settings, "zentralstelle", Role.ADMIN, "z.admin") == 2
    assert cli_create_user(settings, None, Role.STAFF, "no.org") == 2


def test_cli_refuses_usernames_outside_the_pattern(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["create-user", "--org", "ihk_hannover", "--role", "staff", "--username", "Erika Mustermann"])
    assert exit_info.value.code == 2
    assert "lower-case letters" in capsys.readouterr().err
