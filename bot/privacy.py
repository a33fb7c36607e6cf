"""The privacy texts shown with the consent question, from the operator's settings file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict

import yaml

from bot.operator import assistant_of

DEFAULT_PRIVACY_FILE = Path(__file__).resolve().parent.parent / "settings" / "privacy.yml"


def _settings() -> Dict[str, Any]:
    path = Path(os.environ.get("LOTSE_PRIVACY_FILE", DEFAULT_PRIVACY_FILE))
    settings: Dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return settings


def consent_texts(language: str, pre_check_org: str) -> Dict[str, str]:
    settings = _settings()
    return {
        "controller": settings["controller"][language].format(
            pre_check_org=pre_check_org, operator=assistant_of(language)
        ),
        "legal_basis": settings["legal_basis"][language],
        "retention": settings["retention"][language],
    }


def consent_text_version() -> str:
    return str(_settings()["text_version"])
