#!/usr/bin/env python3
"""Static server for the Lotse widget demo page (Python 3.11, standard library only).

    python3 web/serve.py --port 8080 --dir web/dist [--host 127.0.0.1] [--bot-url http://localhost:5005]

Serves the built widget and the demo page with security headers (a CSP without inline script,
nosniff, Referrer-Policy, ...). `GET /` is the German demo page, `/en.html` the English one.
`GET /demo-config.json` is generated from --bot-url (env LOTSE_BOT_URL), so the demo page needs no
inline script, and the CSP's connect-src allows exactly that bot.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

DEFAULT_BOT_URL = "http://localhost:5005"
LOOPBACK_ALIASES = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}


def bot_origins(bot_url: str) -> list[str]:
    """The bot's origin, plus its localhost/127.0.0.1 twin so either spelling works in the demo."""
    parts = urlsplit(bot_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"bot URL must be http(s)://host[:port], got {bot_url!r}")
    port = f":{parts.port}" if parts.port else ""
    hosts = [parts.hostname]
    if parts.hostname in LOOPBACK_ALIASES:
        hosts.append(LOOPBACK_ALIASES[parts.hostname])
    return [f"{parts.scheme}://{host}{port}" for host in hosts]


def content_security_policy(bot_url: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self' " + " ".join(bot_origins(bot_url)),
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


class DemoHandler(SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler without directory listings or dotfiles, plus headers and the config route."""

    server_version = "LotseDemo"
    sys_version = ""
    bot_url = DEFAULT_BOT_URL
    csp = content_security_policy(DEFAULT_BOT_URL)
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".json": "application/json",
        ".map": "application/json",
    }

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        if self._is_config_request():
            self._send_config(include_body=True)
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._is_config_request():
            self._send_config(include_body=False)
        else:
            super().do_HEAD()

    def _is_config_request(self) -> bool:
        return urlsplit(self.path).path == "/demo-config.json"

    def _send_config(self, include_body: bool) -> None:
        body = json.dumps({"botUrl": self.bot_url}).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if include_body:
            self.wfile.write(body)

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        segments = urlsplit(self.path).path.split("/")
        if any(segment.startswith(".") for segment in segments if segment):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(HTTPStatus.NOT_FOUND)
        return None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("--dir", type=Path, default=here / "dist", help="built widget directory (default web/dist)")
    parser.add_argument(
        "--bot-url",
        default=os.environ.get("LOTSE_BOT_URL", DEFAULT_BOT_URL),
        help="Rasa server the demo widget talks to (default $LOTSE_BOT_URL or http://localhost:5005)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    directory = args.dir.resolve()
    if not (directory / "index.html").is_file() or not (directory / "lotse-widget.js").is_file():
        print(f"serve.py: {directory} has no built widget; run `npm run build` in web/ first", file=sys.stderr)
        return 2
    bot_url = args.bot_url.rstrip("/")
    handler = type(
        "ConfiguredDemoHandler",
        (DemoHandler,),
        {"bot_url": bot_url, "csp": content_security_policy(bot_url)},
    )
    server = ThreadingHTTPServer((args.host, args.port), functools.partial(handler, directory=str(directory)))
    print(f"Lotse widget demo on http://{args.host}:{args.port}/ (bot {bot_url}, files {directory})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
