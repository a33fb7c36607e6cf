"""Non-blocking HTTP calls from the connectors to the channel providers.

Every call has a timeout; 429 and 5xx answers and refused connections are retried by tenacity with
the bot side's backoff (`bot/backoff.py`), honouring `Retry-After`. Nothing of the request or response
body is logged, and callers name the call with a `purpose` so that URLs carrying secrets (Telegram)
stay out of logs.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Dict, Mapping, Optional

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_base

from bot.backoff import backoff

logger = logging.getLogger(__name__)
# httpx logs every request's URL at INFO; Telegram's URLs carry the bot token.
logging.getLogger("httpx").setLevel(logging.WARNING)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class ProviderCallError(Exception):
    """A provider call failed for good (non-retryable status, or retries exhausted)."""

    def __init__(self, purpose: str, status: Optional[int]) -> None:
        super().__init__(f"{purpose} failed (HTTP status {status})")
        self.purpose = purpose
        self.status = status


class RetryableCallError(ProviderCallError):
    """A failed call worth another try: 429, 5xx or a refused connection, with the provider's Retry-After."""

    def __init__(self, purpose: str, status: Optional[int], retry_after: Optional[float] = None) -> None:
        super().__init__(purpose, status)
        self.retry_after = retry_after


class RetryAfterOrBackoff(wait_base):
    """The provider's Retry-After when it sent one, else the backoff; never longer than `longest`."""

    def __init__(self, backoff: wait_base, longest: float) -> None:
        self._backoff = backoff
        self._longest = longest

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        asked = error.retry_after if isinstance(error, RetryableCallError) else None
        return min(asked if asked is not None else self._backoff(retry_state), self._longest)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 8.0

    def retrying(self, purpose: str) -> AsyncRetrying:
        waits = backoff(timedelta(seconds=self.base_delay_seconds), timedelta(seconds=self.max_delay_seconds))
        return AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=RetryAfterOrBackoff(waits, self.max_delay_seconds),
            retry=retry_if_exception_type(RetryableCallError),
            before_sleep=_log_retry(purpose),
            reraise=True,
        )


def _log_retry(purpose: str) -> Callable[[RetryCallState], None]:
    def log(retry_state: RetryCallState) -> None:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        delay = retry_state.next_action.sleep if retry_state.next_action else 0.0
        status = error.status if isinstance(error, ProviderCallError) else None
        if status is None:
            logger.warning("%s could not connect, retrying in %.1fs", purpose, delay)
        else:
            logger.warning("%s answered %s, retrying in %.1fs", purpose, status, delay)

    return log


def _retry_after_seconds(headers: Mapping[str, str]) -> Optional[float]:
    try:
        return max(0.0, float(headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


class ProviderHttpClient:
    """One httpx client (the bot side's one HTTP client) per event loop, reused across calls."""

    def __init__(
        self,
        timeout_seconds: float = 10.0,
        retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        self._timeout = httpx.Timeout(timeout_seconds, connect=min(5.0, timeout_seconds))
        self._retry = retry
        self._client: Optional[httpx.AsyncClient] = None
        self._client_loop: Optional[asyncio.AbstractEventLoop] = None

    def _current_client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._client.is_closed or self._client_loop is not loop:
            self._client = httpx.AsyncClient(timeout=self._timeout)
            self._client_loop = loop
        return self._client

    async def close(self) -> None:
        if self._client is not None and not self._client.is_closed:
            await self._client.aclose()
        self._client = None

    async def request_json(
        self,
        method: str,
        url: str,
        *,
        purpose: str,
        json: Optional[Any] = None,
        form: Optional[Dict[str, str]] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Any:
        """Sends one request (retrying as the policy allows) and returns the decoded JSON body."""
        send = self._retry.retrying(purpose)
        return await send(self._send_once, method, url, purpose, json, form, headers)

    async def _send_once(
        self,
        method: str,
        url: str,
        purpose: str,
        json: Optional[Any],
        form: Optional[Dict[str, str]],
        headers: Optional[Dict[str, str]],
    ) -> Any:
        try:
            response = await self._current_client().request(method, url, json=json, data=form, headers=headers)
        except httpx.TimeoutException as error:
            raise ProviderCallError(purpose, None) from error
        except httpx.TransportError as error:
            raise RetryableCallError(purpose, None) from error
        if response.status_code < 400:
            return response.json() if response.content.strip() else None
        if response.status_code in RETRYABLE_STATUSES:
            raise RetryableCallError(purpose, response.status_code, _retry_after_seconds(response.headers))
        raise ProviderCallError(purpose, response.status_code)
