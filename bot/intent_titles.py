"""Translated button titles for intents (used by the "Did you mean …?" clarification)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

TITLES_FILE = Path(__file__).with_name("intent_titles.yml")


@lru_cache(maxsize=1)
def all_titles() -> Dict[str, Dict[str, str]]:
    titles: Dict[str, Dict[str, str]] = yaml.safe_load(TITLES_FILE.read_text(encoding="utf-8"))
    return titles


def title_of(intent: str, language: str) -> str:
    return all_titles()[intent][language]
