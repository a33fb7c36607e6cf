"""Action server configuration, read from the environment."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    return Path(os.environ.get("LOTSE_VAR_DIR", REPO_ROOT / "var"))


@dataclass(frozen=True)
class BackendSettings:
    base_url: str
    timeout_seconds: float

    @classmethod
    def from_env(cls) -> "BackendSettings":
        return cls(
            base_url=os.environ.get("LOTSE_BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"),
            timeout_seconds=float(os.environ.get("LOTSE_BACKEND_TIMEOUT_SECONDS", "5")),
        )


def bot_api_token() -> str:
    """The bot's backend token: from the environment, else from the development credentials file.

    Read on every use, because the backend writes that file on its own first start."""
    token = os.environ.get("LOTSE_BOT_API_TOKEN")
    if token:
        return token
    credentials = var_dir() / "dev-credentials.json"
    try:
        return str(json.loads(credentials.read_text())["bot"]["api_token"])
    except (OSError, ValueError, KeyError):
        return ""
