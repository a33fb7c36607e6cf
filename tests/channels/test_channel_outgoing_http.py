"""The connectors' provider calls: timeouts, retries with backoff, Retry-After, token renewal."""

import asyncio
import logging
import time
from typing import List

import pytest
from aiohttp import web
from standins.botframework import BotFrameworkStandIn
from standins.loopback import serve_on_loopback

from channels.outgoing_http import ProviderCallError, ProviderHttpClient, RetryPolicy
from channels.teams.auth import BotFrameworkTokenSource

pytestmark = pytest.mark.asyncio

FAST_RETRIES = RetryPolicy(attempts=3, base_delay_seconds=0.01)


def scripted_provider(statuses: List[int], seen: List[float], retry_after: str = "") -> web.Application:
    async def answer(_: web.Request) -> web.Response:
        seen.append(time.monotonic())
        status = statuses.pop(0) if statuses else 200
        headers = {"Retry-After": retry_after} if retry_after and status == 429 else {}
        return web.json_response({"ok": status == 200}, status=status, headers=headers)

    app = web.Application()
    app.router.add_post("/call", answer)
    return app


async def test_retries_429_and_5xx_then_succeeds() -> None:
    seen: List[float] = []
    async with serve_on_loopback(scripted_provider([429, 502], seen)) as base_url:
        client = ProviderHttpClient(timeout_seconds=2, retry=FAST_RETRIES)
        assert await client.request_json("POST", f"{base_url}/call", json={}, purpose="test") == {"ok": True}
        await client.close()
    assert len(seen) == 3


async def test_retry_after_is_honoured() -> None:
    seen: List[float] = []
    async with serve_on_loopback(scripted_provider([429], seen, retry_after="0.3")) as base_url:
        client = ProviderHttpClient(timeout_seconds=2, retry=FAST_RETRIES)
        await client.request_json("POST", f"{base_url}/call", json={}, purpose="test")
        await client.close()
    assert seen[1] - seen[0] >= 0.28


async def test_client_errors_are_not_retried_and_retries_end() -> None:
    seen: List[float] = []
    async with serve_on_loopback(scripted_provider([400, 503, 503, 503], seen)) as base_url:
        client = ProviderHttpClient(timeout_seconds=2, retry=FAST_RETRIES)
        with pytest.raises(ProviderCallError) as refused:
            await client.request_json("POST", f"{base_url}/call", json={}, purpose="test")
        assert refused.value.status == 400 and len(seen) == 1
        with pytest.raises(ProviderCallError) as unavailable:
            await client.request_json("POST", f"{base_url}/call", json={}, purpose="test")
        assert unavailable.value.status == 503 and len(seen) == 4
        await client.close()


async def test_a_hanging_provider_times_out() -> None:
    async def hang(_: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/call", hang)
    async with serve_on_loopback(app) as base_url:
        client = ProviderHttpClient(timeout_seconds=0.3, retry=FAST_RETRIES)
        started = time.monotonic()
        with pytest.raises(ProviderCallError):
            await client.request_json("POST", f"{base_url}/call", json={}, purpose="test")
        assert time.monotonic() - started < 2
        await client.close()


async def test_bot_token_is_renewed_shortly_before_it_expires() -> None:
    standin = BotFrameworkStandIn("app-id", "app-password", "tenant")
    now = [1_780_000_000.0]
    async with serve_on_loopback(standin.application()) as base_url:
        client = ProviderHttpClient(timeout_seconds=2)
        tokens = BotFrameworkTokenSource(
            f"{base_url}/tenant/oauth2/v2.0/token",
            "app-id",
            "app-password",
            "https://api.botframework.com/.default",
            client,
            clock=lambda: now[0],
        )
        first = await tokens.authorization_header()
        now[0] += 3000  # expires_in is 3599; renewal starts 300 s before
        assert await tokens.authorization_header() == first
        now[0] += 400
        assert await tokens.authorization_header() != first
        await client.close()
    assert len(standin.issued_tokens) == 2


async def test_no_request_url_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    seen: List[float] = []
    async with serve_on_loopback(scripted_provider([], seen)) as base_url:
        client = ProviderHttpClient(timeout_seconds=2, retry=FAST_RETRIES)
        with caplog.at_level(logging.INFO):
            await client.request_json("POST", f"{base_url}/call?token=bot-secret", json={}, purpose="test")
        await client.close()
    assert len(seen) == 1 and "bot-secret" not in caplog.text
