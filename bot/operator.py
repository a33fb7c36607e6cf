"""Who offers the assistant, from the operator's settings file (settings/operator.yml)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_OPERATOR_FILE = Path(__file__).resolve().parent.parent / "settings" / "operator.yml"


def assistant_of(language: str) -> str:
    """The organisations whose assistant Lotse is, as the operator names them ("IHK Hannover und …")."""
    path = Path(os.environ.get("LOTSE_OPERATOR_FILE", DEFAULT_OPERATOR_FILE))
    return str(_settings(path, path.stat().st_mtime_ns)["assistant_of"][language])


@lru_cache(maxsize=4)
def _settings(path: Path, modified_ns: int) -> Any:
    """The file read once per version (the Rasa server asks after every message; an edit counts at once)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))
