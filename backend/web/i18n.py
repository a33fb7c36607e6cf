"""UI texts: one JSON file per language in `i18n/`; German is the default."""

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from sanic import Request

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
LANGUAGE_COOKIE = "lotse_lang"
TEXTS_DIR = Path(__file__).with_name("i18n")

Translate = Callable[..., str]


@cache
def texts(language: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((TEXTS_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return loaded


def language_of(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def translator(language: str) -> Translate:
    table = texts(language)

    def translate(key: str, **values: object) -> str:
        text = table.get(key, key.rsplit(".", 1)[-1])
        return text.format(**values) if values else text

    return translate
