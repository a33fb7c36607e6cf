"""The bot's only way to the partners' backend: its HTTP API, asynchronously, with timeouts."""

from __future__ import annotations

import enum
import logging
from typing import Any, List, Mapping, Optional, Tuple

import httpx

from actions.settings import BackendSettings, bot_api_token

logger = logging.getLogger(__name__)


class Delivery(enum.Enum):
    CREATED = "created"  # 201
    ALREADY_THERE = "already_there"  # 200: same reference, same body
    CONFLICT = "conflict"  # 409: same reference, other body
    REJECTED = "rejected"  # other 4xx: retrying will not help
    UNAVAILABLE = "unavailable"  # timeout, connection error, 5xx: retry later

    @property
    def accepted(self) -> bool:
        return self in (Delivery.CREATED, Delivery.ALREADY_THERE)

    @property
    def final(self) -> bool:
        return self is not Delivery.UNAVAILABLE


class Lookup(enum.Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"  # unknown reference or wrong e-mail: the backend does not say which
    LIMITED = "limited"  # too many failed proofs for this reference
    UNAVAILABLE = "unavailable"


_LOOKUP_OUTCOMES = {404: Lookup.NOT_FOUND, 422: Lookup.NOT_FOUND, 429: Lookup.LIMITED}


def _delivery_for(status: int) -> Delivery:
    if status == 201:
        return Delivery.CREATED
    if status == 200:
        return Delivery.ALREADY_THERE
    if status == 409:
        return Delivery.CONFLICT
    if 400 <= status < 500 and status not in (401, 408, 429):
        return Delivery.REJECTED
    return Delivery.UNAVAILABLE


class BackendClient:
    def __init__(self, settings: Optional[BackendSettings] = None) -> None:
        self._settings = settings or BackendSettings.from_env()

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self._settings.base_url,
            timeout=httpx.Timeout(self._settings.timeout_seconds, connect=2.0),
            headers={"Authorization": f"Bearer {bot_api_token()}"},
        )

    async def create_ticket(self, body: Mapping[str, Any]) -> Delivery:
        try:
            async with self._client() as client:
                response = await client.post("/api/v1/tickets", json=dict(body))
        except httpx.HTTPError as error:
            logger.warning("ticket delivery failed: %s", type(error).__name__)
            return Delivery.UNAVAILABLE
        delivery = _delivery_for(response.status_code)
        if not delivery.accepted:
            logger.warning("ticket delivery answered %s (%s)", response.status_code, delivery.value)
        return delivery

    async def look_up_status(
        self, reference: str, email: str, sender: str, client: Optional[str] = None
    ) -> Tuple[Lookup, Optional[dict]]:
        """The case's status for its owner (reference + the case's e-mail). ``sender`` is the
        conversation's pseudonym, ``client`` the channel's hash of the client address: the backend
        limits failed proofs per reference for each of them, so a guesser cannot lock the owner out."""
        proof = {"reference": reference, "email": email, "sender": sender, **({"client": client} if client else {})}
        return await self._look_up("/api/v1/status-lookups", proof, "status")

    async def resolve_link_code(
        self, code: str, sender: str, client: Optional[str] = None
    ) -> Tuple[Lookup, Optional[dict]]:
        """The candidate's view of the case behind a link code; unknown, revoked and malformed codes
        all answer NOT_FOUND. The backend limits wrong codes per ``sender`` (the conversation's
        pseudonym) and per ``client`` (the hashed address), never over everyone."""
        asked = {"code": code, "sender": sender, **({"client": client} if client else {})}
        return await self._look_up("/api/v1/candidate-links/resolve", asked, "link code")

    async def request_erasure(self, references: List[str]) -> bool:
        """A person's "delete my data" for cases the backend has (docs/contracts.md, "Erasure requests"):
        True once the backend answered 200 (it erased what was not forwarded yet and marked the rest)."""
        try:
            async with self._client() as client:
                response = await client.post("/api/v1/erasure-requests", json={"references": references})
        except httpx.HTTPError as error:
            logger.warning("erasure request failed: %s", type(error).__name__)
            return False
        if response.status_code != 200:
            logger.warning("erasure request answered %s", response.status_code)
        return response.status_code == 200

    async def _look_up(self, path: str, proof: dict, what: str) -> Tuple[Lookup, Optional[dict]]:
        try:
            async with self._client() as client:
                response = await client.post(path, json=proof)
        except httpx.HTTPError as error:
            logger.warning("%s lookup failed: %s", what, type(error).__name__)
            return Lookup.UNAVAILABLE, None
        if response.status_code == 200:
            return Lookup.FOUND, response.json()
        return _LOOKUP_OUTCOMES.get(response.status_code, Lookup.UNAVAILABLE), None
