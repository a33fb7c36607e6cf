"""A local Bot Framework: OpenID metadata, JWKS, RS256 connector tokens, the Entra ID token endpoint
(single tenant) and the Bot Connector conversations/activities API.

Payloads follow the Bot Framework REST docs: the OpenID metadata's `jwks_uri` and `issuer`
(`https://api.botframework.com`), JWKS keys with `endorsements`, connector tokens with `aud` = app id
and the `serviceurl` claim, `POST {serviceUrl}v3/conversations/{id}/activities` answering a ResourceResponse.
"""

import base64
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
SERVICE_PATH = "/emea/"  # like https://smba.trafficmanager.net/emea/


def _b64url_uint(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def new_signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class ReceivedActivity:
    conversation_id: str
    authorization: Optional[str]
    activity: Dict[str, Any]


@dataclass
class BotFrameworkStandIn:
    app_id: str
    app_password: str
    tenant_id: str
    base_url: str = ""
    keys: Dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    issued_tokens: List[str] = field(default_factory=list)
    activities: List[ReceivedActivity] = field(default_factory=list)
    failures_to_serve: List[int] = field(default_factory=list)
    metadata_requests: int = 0

    def __post_init__(self) -> None:
        self.add_key("standin-key-1")

    def add_key(self, kid: str) -> str:
        self.keys[kid] = new_signing_key()
        return kid

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def service_url(self) -> str:
        return f"{self.base_url}{SERVICE_PATH}"

    def connector_token(
        self,
        *,
        audience: Optional[str] = None,
        service_url: Optional[str] = None,
        expires_in: int = 3600,
        kid: str = "standin-key-1",
        signing_key: Optional[rsa.RSAPrivateKey] = None,
    ) -> str:
        """The JWT the Bot Connector puts in `Authorization` when it posts an activity to the bot."""
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": audience or self.app_id,
            "serviceurl": service_url or self.service_url,
            "nbf": now - 5,
            "iat": now - 5,
            "exp": now + expires_in,
        }
        key = signing_key or self.keys[kid]
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._jwks)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post(SERVICE_PATH + "v3/conversations/{conversation_id}/activities", self._activity)
        return app

    async def _metadata(self, _: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response(
            {
                "issuer": ISSUER,
                "authorization_endpoint": f"{self.base_url}/v1/.well-known/authorize",
                "jwks_uri": f"{self.base_url}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _jwks(self, _: web.Request) -> web.Response:
        keys = []
        for kid, private_key in self.keys.items():
            numbers = private_key.public_key().public_numbers()
            keys.append(
                {
                    "kty": "RSA",
                    "use": "sig",
                    "kid": kid,
                    "n": _b64url_uint(numbers.n),
                    "e": _b64url_uint(numbers.e),
                    "endorsements": ["msteams", "webchat", "emulator"],
                }
            )
        return web.json_response({"keys": keys})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        valid = (
            request.match_info["tenant"] == self.tenant_id
            and form.get("grant_type") == "client_credentials"
            and form.get("client_id") == self.app_id
            and form.get("client_secret") == self.app_password
            and form.get("scope") == "https://api.botframework.com/.default"
        )
        if not valid:
            return web.json_response(
                {"error": "unauthorized_client", "error_description": "AADSTS700016: Application not found"},
                status=400,
            )
        token = secrets.token_urlsafe(24)
        self.issued_tokens.append(token)
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}
        )

    async def _activity(self, request: web.Request) -> web.Response:
        if self.failures_to_serve:
            return web.json_response({"error": {"code": "ServiceError"}}, status=self.failures_to_serve.pop(0))
        authorization = request.headers.get("Authorization")
        if authorization not in {f"Bearer {token}" for token in self.issued_tokens}:
            return web.json_response(
                {"error": {"code": "Unauthorized", "message": "Authorization has been denied"}}, status=401
            )
        activity = await request.json()
        self.activities.append(ReceivedActivity(request.match_info["conversation_id"], authorization, activity))
        return web.json_response({"id": f"activity-{len(self.activities)}"})
