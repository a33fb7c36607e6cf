"""Posting facts to the backend (POST /api/v1/insights/facts, docs/contracts.md) and reporting the
consumer's backlog (PUT /api/v1/insights/consumer-status), with the bot's token."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, Sequence

import httpx

from insights.facts import Fact

logger = logging.getLogger(__name__)
FACTS_PATH = "/api/v1/insights/facts"
STATUS_PATH = "/api/v1/insights/consumer-status"
MAX_FACTS_PER_POST = 500
REFUSED = frozenset({400, 413, 422})  # 401/403 (a token problem) and 5xx are worth waiting out


@dataclass(frozen=True)
class Posted:
    ok: bool
    stored: int = 0
    duplicates: int = 0
    refused: bool = False  # the backend refused the facts themselves (422): sending them again will not help


class FactPoster:
    """One HTTP client for the process's life; `post` says whether the backend took every fact (2xx)."""

    def __init__(self, base_url: str, token: Callable[[], str], timeout_seconds: float = 10.0) -> None:
        self._token = token
        self._client = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(timeout_seconds, connect=2.0))

    @classmethod
    def from_env(cls) -> "FactPoster":
        from actions.settings import bot_api_token  # the token the bot uses for tickets

        return cls(os.environ.get("LOTSE_BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"), bot_api_token)

    async def post(self, facts: Sequence[Fact]) -> Posted:
        stored = duplicates = 0
        for start in range(0, len(facts), MAX_FACTS_PER_POST):
            posted = await self._post_chunk(facts[start : start + MAX_FACTS_PER_POST])
            if not posted.ok:
                return Posted(False, stored, duplicates, posted.refused)
            stored, duplicates = stored + posted.stored, duplicates + posted.duplicates
        return Posted(True, stored, duplicates)

    async def report_status(self, report: Dict[str, Any]) -> bool:
        """One try: the next report follows soon, and a missing one shows as stale on the health endpoint."""
        try:
            response = await self._client.put(STATUS_PATH, json=report, headers=self._headers())
        except httpx.HTTPError as error:
            logger.warning("insights: reporting the backlog failed (%s)", type(error).__name__)
            return False
        if not 200 <= response.status_code < 300:
            logger.warning("insights: the backend answered %s to the backlog report", response.status_code)
        return 200 <= response.status_code < 300

    def _headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self._token()}"}

    async def _post_chunk(self, facts: Sequence[Fact]) -> Posted:
        body = {"facts": [fact.as_json() for fact in facts]}
        try:
            response = await self._client.post(FACTS_PATH, json=body, headers=self._headers())
        except httpx.HTTPError as error:
            logger.warning("insights: posting facts failed (%s)", type(error).__name__)
            return Posted(False)
        if not 200 <= response.status_code < 300:
            logger.warning("insights: the backend answered %s to %d facts", response.status_code, len(facts))
            return Posted(False, refused=response.status_code in REFUSED)
        answer = _json_object(response)
        return Posted(True, int(answer.get("stored", 0)), int(answer.get("duplicates", 0)))

    async def close(self) -> None:
        await self._client.aclose()


def _json_object(response: httpx.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
