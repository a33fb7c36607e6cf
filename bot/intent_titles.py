"""The intents with a title for the "Did you mean …?" buttons (texts: bot/intent_titles.yml via bot/texts.py)."""

from __future__ import annotations

from typing import Any, Mapping

from bot.texts import INTENT_TITLES_FILE, texts_in


def all_titles() -> Mapping[str, Mapping[str, Any]]:
    return texts_in(INTENT_TITLES_FILE)
