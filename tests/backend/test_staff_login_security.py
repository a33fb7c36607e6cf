"""Issue 15 P4: failed logins slow an account and an address down but never lock the right password
out; behind a trusted proxy each client is counted by its own address; admins need a second factor
(TOTP, or a single-use recovery code), others may add one."""

import asyncio
import re

import httpx
import pyotp
from backend_harness import FakeClock
from sanic import Sanic
from staff_ui import PASSWORD, csrf_of, log_in, page_csrf, user_with_password

from backend.database.models import User
from backend.domain.permissions import Role
from backend.services import accounts as account_service
from backend.services import two_factor

PROXY_SETTING = "10.0.0.0/8"


async def log_in_from(client: httpx.AsyncClient, username: str, password: str, forwarded_for: str) -> httpx.Response:
    form = await client.get("/staff/login")
    return await client.post(
        "/staff/login",
        data={"csrf_token": csrf_of(form), "username": username, "password": password},
        headers={"x-forwarded-for": forwarded_for},
    )


async def log_in_with_code(client: httpx.AsyncClient, username: str, code: str) -> httpx.Response:
    form = await client.get("/staff/login")
    return await client.post(
        "/staff/login", data={"csrf_token": csrf_of(form), "username": username, "password": PASSWORD, "code": code}
    )


async def test_failures_grow_a_delay_but_the_right_password_still_gets_in(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    for _ in range(6):
        assert (await log_in(client, "hwk-ui", "wrong")).status_code == 401
    assert app.ctx.pauses == [1.0, 2.0, 4.0]  # three free failures, then a doubling delay
    answer = await log_in(client, "hwk-ui")
    assert answer.status_code == 303 and "lotse_session" in client.cookies
    assert app.ctx.pauses[-1] == 8.0


async def test_the_delay_has_a_ceiling_and_ends_with_the_window(
    app: Sanic, client: httpx.AsyncClient, clock: FakeClock
) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    for _ in range(12):
        await log_in(client, "hwk-ui", "wrong")
    assert max(app.ctx.pauses) == app.ctx.settings.login_delay_max_seconds
    clock.advance(minutes=16)
    app.ctx.pauses.clear()
    assert (await log_in(client, "hwk-ui")).status_code == 303
    assert app.ctx.pauses == []


async def test_a_successful_login_takes_back_only_its_own_attempt(app: Sanic, client: httpx.AsyncClient) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    for _ in range(4):
        await log_in(client, "hwk-ui", "wrong")
    assert (await log_in(client, "hwk-ui")).status_code == 303
    app.ctx.pauses.clear()
    await log_in(client, "hwk-ui", "wrong")
    assert app.ctx.pauses == [2.0]  # the four failures still count, the success does not


async def test_behind_a_trusted_proxy_one_client_does_not_slow_down_the_others(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    app.ctx.settings = app.ctx.settings.model_copy(
        update={"trusted_proxies": "127.0.0.0/8", "login_free_failures_per_address": 3}
    )
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    for number in range(8):
        await log_in_from(client, f"nobody-{number}", "wrong", "203.0.113.9")
    assert app.ctx.pauses, "the guessing address is slowed down"
    app.ctx.pauses.clear()
    answer = await log_in_from(client, "hwk-ui", PASSWORD, "198.51.100.7")
    assert answer.status_code == 303 and app.ctx.pauses == []


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(app: Sanic, client: httpx.AsyncClient) -> None:
    app.ctx.settings = app.ctx.settings.model_copy(
        update={"trusted_proxies": PROXY_SETTING, "login_free_failures_per_address": 3}
    )
    for number in range(5):
        await log_in_from(client, f"nobody-{number}", "wrong", f"198.51.100.{number}")
    assert app.ctx.pauses == [1.0, 2.0], "a forged header does not give each guess a fresh address"


async def enrolled_user(app: Sanic, username: str, role: Role = Role.STAFF) -> tuple[str, list[str]]:
    await user_with_password(app, username, "hwk_hannover", role)
    secret = two_factor.new_secret()
    async with app.ctx.sessions() as session, session.begin():
        user = await account_service.find_user(session, username)
        assert user is not None
        codes = two_factor.enrol(session, user, secret, username, app.ctx.clock())
    return secret, codes


async def test_an_enrolled_account_needs_the_current_code(app: Sanic, client: httpx.AsyncClient) -> None:
    secret, _ = await enrolled_user(app, "hwk-ui")
    assert (await log_in(client, "hwk-ui")).status_code == 401
    assert (await log_in_with_code(client, "hwk-ui", "000000")).status_code == 401
    code = pyotp.TOTP(secret).at(app.ctx.clock())
    assert (await log_in_with_code(client, "hwk-ui", code)).status_code == 303
    client.cookies.clear()
    assert (await log_in_with_code(client, "hwk-ui", code)).status_code == 401, "a code works once"


async def test_a_recovery_code_works_once_and_is_stored_only_as_a_digest(app: Sanic, client: httpx.AsyncClient) -> None:
    _, codes = await enrolled_user(app, "hwk-ui")
    assert len(codes) == 10 and len(set(codes)) == 10
    async with app.ctx.sessions() as session:
        user = await account_service.find_user(session, "hwk-ui")
        assert user is not None and not any(code in (user.recovery_code_digests or "") for code in codes)
    assert (await log_in_with_code(client, "hwk-ui", codes[3].upper())).status_code == 303
    client.cookies.clear()
    assert (await log_in_with_code(client, "hwk-ui", codes[3])).status_code == 401


async def test_an_admin_without_a_second_factor_can_only_enrol(app: Sanic, client: httpx.AsyncClient) -> None:
    async with app.ctx.sessions() as session, session.begin():
        await account_service.create_user(
            session,
            username="hwk-lead",
            role=Role.ADMIN,
            organisation="hwk_hannover",
            actor="test",
            now=app.ctx.clock(),
            password=PASSWORD,
        )
    assert (await log_in(client, "hwk-lead")).status_code == 303
    for path in ("/staff/tickets", "/staff/dashboard"):
        answer = await client.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/staff/account/two-factor"
    page = await client.get("/staff/account/two-factor")
    assert page.status_code == 200
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page.text).group(1)
    wrong = await client.post(
        "/staff/account/two-factor", data={"csrf_token": csrf_of(page), "secret": secret, "code": "123456"}
    )
    assert wrong.status_code == 422
    code = pyotp.TOTP(secret).at(app.ctx.clock())
    done = await client.post(
        "/staff/account/two-factor",
        data={"csrf_token": await page_csrf(client, "/staff/account/two-factor"), "secret": secret, "code": code},
    )
    assert done.status_code == 200 and len(re.findall(r"<li><code>[0-9a-f-]{14}</code></li>", done.text)) == 10
    assert (await client.get("/staff/tickets")).status_code == 200
    async with app.ctx.sessions() as session:
        user = await session.get(User, (await account_service.find_user(session, "hwk-lead")).id)
        assert user is not None and user.totp_secret == secret


async def test_staff_may_work_without_a_second_factor(app: Sanic, client: httpx.AsyncClient) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    assert (await client.get("/staff/tickets")).status_code == 200


async def test_parallel_guesses_each_count_so_they_slow_each_other_down(app: Sanic) -> None:
    await user_with_password(app, "hwk-ui", "hwk_hannover")

    async def guess() -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://backend.test") as own_client:
            return (await log_in(own_client, "hwk-ui", "wrong")).status_code

    assert await asyncio.gather(*(guess() for _ in range(6))) == [401] * 6
    assert sorted(app.ctx.pauses) == [1.0, 2.0, 4.0]
