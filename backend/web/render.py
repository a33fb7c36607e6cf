"""Jinja2 rendering (autoescaped) and the security headers of every UI response."""

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request
from sanic.response import BaseHTTPResponse, HTTPResponse, html

from backend.web.i18n import LANGUAGES, language_of, translator
from backend.web.labels import Labels

STAFF_PREFIX = "/staff"
TEMPLATES = Path(__file__).with_name("templates")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def is_staff_path(request: Request) -> bool:
    return request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    language = language_of(request)
    page = _environment.get_template(template).render(
        t=translator(language),
        labels=Labels(language),
        lang=language,
        languages=LANGUAGES,
        here=request.path + (f"?{request.query_string}" if request.query_string else ""),
        user=getattr(request.ctx, "principal", None),
        csrf_token=getattr(request.ctx, "csrf_token", ""),
        **context,
    )
    return html(page, status=status)


def error_page(request: Request, status: int) -> HTTPResponse:
    return render(request, "error.html", status=status, status_code=status)


async def add_security_headers(request: Request, response: BaseHTTPResponse) -> None:
    if is_staff_path(request):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
