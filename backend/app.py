"""The Sanic application factory."""

import asyncio
import logging
from datetime import timedelta

from sanic import Request, Sanic
from sanic.response import BaseHTTPResponse
from sanic_ext import Extend

from backend.api.errors import register_error_handlers
from backend.api.guard import install_guard
from backend.api.candidate_links import candidate_links_bp
from backend.api.erasure_requests import erasure_requests_bp
from backend.api.health import health_bp
from backend.api.insights import insights_bp
from backend.api.openapi_docs import describe_api
from backend.api.requests import App
from backend.api.status_lookups import status_lookups_bp
from backend.api.tickets import tickets_bp
from backend.api.users import users_bp
from backend.database.engine import Database
from backend.services import bot_knowledge
from backend.services.clock import Clock, utc_now
from backend.services.forwarding import deliver_due
from backend.services.status_notices import deliver_due as deliver_status_notices
from backend.settings import Settings
from backend.web.routes import install_staff_ui

APP_NAME = "lotse_backend"
log = logging.getLogger("backend.forwarding")
HSTS = "max-age=31536000; includeSubDomains"
OPENAPI_PREFIX = "/api/v1/docs"  # ReDoc at /api/v1/docs, the document at /api/v1/docs/openapi.json


def create_app(settings: Settings, clock: Clock = utc_now) -> App:
    app = Sanic(APP_NAME, configure_logging=False)
    _configure(app, settings)
    app.ctx.settings = settings
    bot_knowledge.use_directory(settings.knowledge_dir)
    app.ctx.clock = clock
    app.ctx.pause = asyncio.sleep  # the login delay; tests record it instead of waiting
    app.ctx.first_response_target = timedelta(hours=settings.first_response_target_hours)
    app.blueprint(
        [health_bp, tickets_bp, status_lookups_bp, candidate_links_bp, users_bp, insights_bp, erasure_requests_bp]
    )
    install_staff_ui(app)
    register_error_handlers(app)
    install_guard(app)
    if settings.profile == "production":
        app.register_middleware(_strict_transport_security, "response")
    _manage_database(app, settings)
    Extend(app)
    describe_api(app)
    return app


def _configure(app: App, settings: Settings) -> None:
    app.config.update(
        {
            "REQUEST_MAX_SIZE": settings.max_request_bytes,
            "FALLBACK_ERROR_FORMAT": "json",
            "ACCESS_LOG": False,
            "OAS_URL_PREFIX": OPENAPI_PREFIX,
            "OAS_URI_TO_JSON": "/openapi.json",
            "OAS_UI_DEFAULT": "redoc",
            "OAS_UI_SWAGGER": False,
            "CORS": False,
            "HTTP_AUTO_OPTIONS": False,
            "HTTP_AUTO_HEAD": False,
            "HEALTH": False,
        }
    )


async def _strict_transport_security(request: Request, response: BaseHTTPResponse) -> None:
    """Production is served over HTTPS only (behind the proxy): browsers must not fall back to HTTP."""
    response.headers.setdefault("Strict-Transport-Security", HSTS)


def _manage_database(app: App, settings: Settings) -> None:
    @app.before_server_start
    async def _open(app: App) -> None:
        app.ctx.database = Database(settings.database_url)
        app.ctx.sessions = app.ctx.database.sessions

    @app.after_server_start
    async def _start_delivery(app: App) -> None:
        if settings.forward_worker:
            app.add_task(_delivery_worker(app, settings), name="forwarding")

    @app.before_server_stop
    async def _stop_delivery(app: App) -> None:
        if settings.forward_worker:
            await app.cancel_task("forwarding", raise_exception=False)

    @app.after_server_stop
    async def _close(app: App) -> None:
        await app.ctx.database.dispose()


async def _delivery_worker(app: App, settings: Settings) -> None:
    """Delivers due case packages and status notices, one pass every few seconds, while the server runs."""
    while True:
        for deliver in (deliver_due, deliver_status_notices):
            try:
                await deliver(app.ctx.sessions, settings, app.ctx.clock())
            except Exception as error:  # noqa: BLE001 (the loop must survive; the queue keeps the work)
                log.error("delivery pass failed: %s", type(error).__name__)
        await asyncio.sleep(settings.forward_poll_seconds)
