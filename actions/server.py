"""The action server: rasa-sdk's app, bound to loopback and closed to anyone without the shared secret.

`rasa run actions` listens on all interfaces and answers anyone: whoever reaches it could post a
forged tracker and create tickets with the bot's token. The Rasa server sends the secret as
`Authorization: Bearer <LOTSE_ACTION_SECRET>` (endpoints.yml); every call but `/health` without it
gets 401. Run with `python -m actions.server --port 5055`.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

SECRET_VARIABLE = "LOTSE_ACTION_SECRET"
HOST_VARIABLE = "LOTSE_ACTION_HOST"
OPEN_PATHS = frozenset({"/health"})

logger = logging.getLogger(__name__)


def is_authorised(request: Request, secret: str) -> bool:
    presented = request.headers.get("authorization", "")
    return hmac.compare_digest(presented.encode(), f"Bearer {secret}".encode())


def guard(app: Sanic, secret: str) -> Sanic:
    """Every request but the health check must carry the shared secret."""
    if not secret:
        raise ValueError(f"{SECRET_VARIABLE} is not set: the action server does not run without its secret")

    @app.on_request
    async def require_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or is_authorised(request, secret):
            return None
        logger.warning("action server refused a call to %s without the shared secret", request.path)
        return response.json({"error": "unauthorised"}, status=401)

    return app


def create_guarded_app(secret: str, package: str = "actions") -> Sanic:
    from rasa_sdk.endpoint import create_app

    return guard(create_app(package, cors_origins=""), secret)


def main() -> None:
    from rasa_sdk import utils

    parser = argparse.ArgumentParser(description="Lotse's action server (loopback, shared secret)")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default=os.environ.get(HOST_VARIABLE, "127.0.0.1"))
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args()
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    app = create_guarded_app(os.environ.get(SECRET_VARIABLE, ""), args.actions)
    logger.info("action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
