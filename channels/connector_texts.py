"""The connectors' own user-facing texts (German and English), read from `texts.yml`."""

from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yml")
LANGUAGES = ("de", "en")


@lru_cache(maxsize=1)
def _texts() -> Dict[str, Dict[str, str]]:
    with TEXTS_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def connector_text(key: str, language: Optional[str]) -> str:
    """The text in the user's language, or German then English when the language is unknown."""
    variants = _texts()[key]
    if language in LANGUAGES:
        return variants[language]
    return f"{variants['de']}\n\n{variants['en']}"


def connector_label(key: str, language: Optional[str]) -> str:
    """A one-line label (button text): in the user's language, or 'Deutsch / English' when unknown."""
    variants = _texts()[key]
    if language in LANGUAGES:
        return variants[language]
    return f"{variants['de']} / {variants['en']}"


def language_from_tag(tag: Optional[str]) -> Optional[str]:
    """'de', 'de-DE', 'de_AT' → 'de'; 'en', 'en-GB' → 'en'; anything else → None."""
    primary = (tag or "").replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LANGUAGES else None
