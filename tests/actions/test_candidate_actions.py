"""E19: the link action without a reachable backend: asking for the code, malformed codes, the
per-conversation limit (checked before the backend is asked) and an unreachable backend."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from trackers import tracker_with, user_event

from actions.candidate import ActionLinkCase
from actions.conversation import sender_key
from actions.link_attempts import MAX_FAILURES, LinkAttempts
from bot.texts import text


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def no_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LOTSE_BACKEND_URL", f"http://127.0.0.1:{_unused_port()}")
    monkeypatch.setenv("LOTSE_BOT_API_TOKEN", "test-token")


async def _link(message: str, language: str = "en") -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = tracker_with([user_event(message, "link_case")], slots={"language": language})
    assert await ActionLinkCase().run(dispatcher, tracker, {}) == []
    return [m["text"] for m in dispatcher.messages]


async def test_without_a_code_the_candidate_is_asked_for_it() -> None:
    assert await _link("I have a code from my employer") == [text("candidate_link_ask_code", "en")]


async def test_a_malformed_code_answers_like_an_unknown_one_and_counts() -> None:
    assert await _link("Mein Code ist X4RT-MQ7B", "de") == [text("candidate_link_unknown", "de")]
    assert not LinkAttempts(max_failures=2).blocked(sender_key(tracker_with([])))
    await _link("12345")
    assert LinkAttempts(max_failures=2).blocked(sender_key(tracker_with([])))


async def test_after_too_many_wrong_codes_even_a_good_one_is_not_looked_up() -> None:
    attempts = LinkAttempts()
    for _ in range(MAX_FAILURES):
        attempts.record_failure(sender_key(tracker_with([])))
    assert await _link("9F4K-2QXM-7TZA") == [text("candidate_link_limited", "en")]


async def test_an_unreachable_backend_is_said_as_such_and_not_counted() -> None:
    assert await _link("9F4K-2QXM-7TZA") == [text("candidate_link_unavailable", "en")]
    assert not LinkAttempts(max_failures=1).blocked(sender_key(tracker_with([])))


async def test_the_limit_ends_after_the_window() -> None:
    from datetime import datetime, timedelta, timezone

    attempts = LinkAttempts(max_failures=1, window=timedelta(minutes=15))
    then = datetime.now(timezone.utc) - timedelta(minutes=16)
    attempts.record_failure("someone", now=then)
    assert attempts.blocked("someone", now=then)
    assert not attempts.blocked("someone")
