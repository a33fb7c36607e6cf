"""Who offers the assistant, from the operator's settings file (settings/operator.yml)."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

DEFAULT_OPERATOR_FILE = Path(__file__).resolve().parent.parent / "settings" / "operator.yml"


def assistant_of(language: str) -> str:
    """The organisations whose assistant Lotse is, as the operator names them ("IHK Hannover und …")."""
    path = Path(os.environ.get("LOTSE_OPERATOR_FILE", DEFAULT_OPERATOR_FILE))
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(settings["assistant_of"][language])
