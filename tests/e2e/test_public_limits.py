"""Issue 15 P7 on the real Rasa server: a request body over the limit (1 MB, Sanic's default is
100 MB) is refused before the channel reads it, and the bot still answers afterwards."""

from __future__ import annotations

import httpx

from conftest import Conversation
from stack import REQUEST_MAX_BYTES


def test_a_body_over_the_limit_is_refused_and_the_bot_still_answers(bot_url: str, german: Conversation) -> None:
    oversized = b'{"sender": "flood", "message": "' + b"x" * (REQUEST_MAX_BYTES + 1) + b'"}'
    answer = httpx.post(
        f"{bot_url}/webhooks/rest/webhook", content=oversized, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert answer.status_code == 413
    assert german.say_text("Hallo")
