"""Bot Framework authentication: validating incoming JWTs and fetching the bot's outgoing token."""

import asyncio
import logging
import re
import time
from typing import Any, Callable, Dict, Optional

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from channels.outgoing_http import ProviderCallError, ProviderHttpClient

logger = logging.getLogger(__name__)

BEARER = re.compile(r"^Bearer\s+(\S+)$")
SERVICE_URL_CLAIMS = ("serviceurl", "serviceUrl")
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
Clock = Callable[[], float]


class TokenRejected(Exception):
    """The incoming request is not authenticated by the Bot Framework."""


def _normalised_url(url: Optional[str]) -> str:
    return (url or "").rstrip("/")


def tenant_matches(activity: Dict[str, Any], tenant_id: str) -> bool:
    """The activity comes from the configured tenant: a Teams activity names it in `channelData`
    and in its conversation; every one named must be ours, and at least one must be named. A valid
    Bot Framework token alone would also admit other tenants that install the app."""
    named = [
        ((activity.get("channelData") or {}).get("tenant") or {}).get("id"),
        (activity.get("conversation") or {}).get("tenantId"),
    ]
    given = [str(tenant).lower() for tenant in named if tenant]
    return bool(given) and all(tenant == tenant_id.lower() for tenant in given)


class BotFrameworkTokenValidator:
    """Checks signature (RS256, keys from the OpenID metadata), issuer, audience, expiry and serviceUrl."""

    def __init__(
        self,
        app_id: str,
        openid_metadata_url: str,
        http: ProviderHttpClient,
        clock: Clock = time.time,
        keys_max_age_seconds: float = 24 * 3600,
        unknown_key_refetch_interval_seconds: float = 60,
        leeway_seconds: int = 300,
    ) -> None:
        self._app_id = app_id
        self._metadata_url = openid_metadata_url
        self._http = http
        self._clock = clock
        self._keys_max_age = keys_max_age_seconds
        self._refetch_interval = unknown_key_refetch_interval_seconds
        self._leeway = leeway_seconds
        self._issuer: Optional[str] = None
        self._keys: Dict[str, Dict[str, Any]] = {}
        self._fetched_at: Optional[float] = None
        self._fetch_lock = asyncio.Lock()

    async def validate(self, authorization: Optional[str], activity: Dict[str, Any]) -> Dict[str, Any]:
        """The token's claims; raises TokenRejected for anything not exactly right."""
        match = BEARER.match(authorization or "")
        if not match:
            raise TokenRejected("no bearer token")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise TokenRejected("malformed token") from error
        if header.get("alg") != "RS256":
            raise TokenRejected("unexpected signing algorithm")
        key = await self._signing_key(str(header.get("kid", "")))
        self._check_endorsement(key, activity.get("channelId"))
        claims = self._decode(token, key)
        if _normalised_url(self._service_url_claim(claims)) != _normalised_url(activity.get("serviceUrl")):
            raise TokenRejected("serviceUrl claim does not match the activity")
        return claims

    def _decode(self, token: str, key: Dict[str, Any]) -> Dict[str, Any]:
        public_key = RSAAlgorithm.from_jwk(key)
        if not isinstance(public_key, RSAPublicKey):
            raise TokenRejected("signing key is not a public RSA key")
        try:
            return jwt.decode(
                token,
                key=public_key,
                algorithms=["RS256"],
                audience=self._app_id,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise TokenRejected(f"token invalid: {type(error).__name__}") from error

    @staticmethod
    def _service_url_claim(claims: Dict[str, Any]) -> Optional[str]:
        return next((claims[name] for name in SERVICE_URL_CLAIMS if name in claims), None)

    @staticmethod
    def _check_endorsement(key: Dict[str, Any], channel_id: Optional[str]) -> None:
        endorsements = key.get("endorsements")
        if endorsements and channel_id not in endorsements:
            raise TokenRejected("signing key is not endorsed for this channel")

    async def _signing_key(self, kid: str) -> Dict[str, Any]:
        if self._keys_stale() or (kid not in self._keys and self._may_refetch()):
            await self._refresh_keys()
        if kid not in self._keys:
            raise TokenRejected("unknown signing key")
        return self._keys[kid]

    def _keys_stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at > self._keys_max_age

    def _may_refetch(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._refetch_interval

    async def _refresh_keys(self) -> None:
        async with self._fetch_lock:
            try:
                metadata = await self._http.request_json(
                    "GET", self._metadata_url, purpose="Bot Framework OpenID metadata"
                )
                jwks = await self._http.request_json("GET", metadata["jwks_uri"], purpose="Bot Framework signing keys")
            except (ProviderCallError, KeyError, TypeError) as error:
                logger.error("Could not refresh Bot Framework signing keys: %s", error)
                if not self._keys:
                    raise TokenRejected("signing keys unavailable") from error
                return
            self._issuer = metadata.get("issuer") or BOT_FRAMEWORK_ISSUER
            self._keys = {key["kid"]: key for key in jwks.get("keys", []) if "kid" in key}
            self._fetched_at = self._clock()


class BotFrameworkTokenSource:
    """The bot's own access token (client credentials, single tenant), cached until shortly before expiry."""

    def __init__(
        self,
        token_url: str,
        app_id: str,
        app_password: str,
        scope: str,
        http: ProviderHttpClient,
        clock: Clock = time.time,
        renew_before_expiry_seconds: float = 300,
    ) -> None:
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": app_id,
            "client_secret": app_password,
            "scope": scope,
        }
        self._http = http
        self._clock = clock
        self._renew_margin = renew_before_expiry_seconds
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def authorization_header(self) -> str:
        async with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._renew_margin:
                await self._fetch()
        return f"Bearer {self._token}"

    async def _fetch(self) -> None:
        answer = await self._http.request_json(
            "POST", self._token_url, form=self._form, purpose="Bot Framework token request"
        )
        self._token = answer["access_token"]
        self._expires_at = self._clock() + float(answer.get("expires_in", 3600))
