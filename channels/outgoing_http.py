"""Non-blocking HTTP calls from the connectors to the channel providers.

Every call has a timeout; 429 and 5xx answers and refused connections are retried with
exponential backoff (honouring `Retry-After`). Nothing of the request or response body is logged,
and callers name the call with a `purpose` so that URLs carrying secrets (Telegram) stay out of logs.
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

import httpx

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


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 8.0

    def delay(self, attempt: int, retry_after: Optional[float]) -> float:
        backoff = self.base_delay_seconds * (2 ** (attempt - 1))
        return min(retry_after if retry_after is not None else backoff, self.max_delay_seconds)


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
        for attempt in range(1, self._retry.attempts + 1):
            last_attempt = attempt == self._retry.attempts
            try:
                response = await self._current_client().request(method, url, json=json, data=form, headers=headers)
            except httpx.TimeoutException as error:
                raise ProviderCallError(purpose, None) from error
            except httpx.TransportError as error:
                if last_attempt:
                    raise ProviderCallError(purpose, None) from error
                delay = self._retry.delay(attempt, None)
                logger.warning("%s could not connect, retrying in %.1fs", purpose, delay)
            else:
                if response.status_code < 400:
                    return response.json() if response.content.strip() else None
                if response.status_code not in RETRYABLE_STATUSES or last_attempt:
                    raise ProviderCallError(purpose, response.status_code)
                delay = self._retry.delay(attempt, _retry_after_seconds(response.headers))
                logger.warning("%s answered %s, retrying in %.1fs", purpose, response.status_code, delay)
            await asyncio.sleep(delay)
        raise ProviderCallError(purpose, None)
