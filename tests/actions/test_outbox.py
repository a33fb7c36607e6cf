import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from actions.outbox import Outbox

BODY = {"reference": "LT-2026-ABCDEF", "case": {"contact_email": "a@b.de"}}


def test_a_reference_is_stored_once_and_the_first_body_wins(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.put("LT-2026-ABCDEF", "sender", {**BODY, "case": {"contact_email": "other@b.de"}})
    assert [case.body for case in outbox.due()] == [BODY]


def test_a_failed_delivery_waits_before_the_next_attempt(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.mark_retry("LT-2026-ABCDEF", attempts=0)
    assert list(outbox.due()) == []
    assert [case.attempts for case in outbox.due(datetime.now(timezone.utc) + timedelta(minutes=1))] == [1]


def test_delivered_cases_lose_their_personal_data_after_retention(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.mark_done("LT-2026-ABCDEF", "created")
    assert outbox.purge_personal_data(timedelta(days=30)) == 0
    assert outbox.purge_personal_data(timedelta(days=30), now=datetime.now(timezone.utc) + timedelta(days=31)) == 1
    with sqlite3.connect(tmp_path / "outbox.sqlite3") as connection:
        assert connection.execute("SELECT body FROM outbox").fetchall() == [(None,)]


def test_forgetting_a_sender_withdraws_its_queued_cases(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender-a", BODY)
    outbox.put("LT-2026-GHJKMN", "sender-b", {**BODY, "reference": "LT-2026-GHJKMN"})
    outbox.forget_sender("sender-a")
    assert [case.reference for case in outbox.due()] == ["LT-2026-GHJKMN"]


def test_cases_are_counted_per_sender_for_the_rate_limit(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender-a", BODY)
    outbox.put("LT-2026-GHJKMN", "sender-a", {**BODY, "reference": "LT-2026-GHJKMN"})
    outbox.put("LT-2026-PQRSTV", "sender-b", {**BODY, "reference": "LT-2026-PQRSTV"})
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    assert outbox.cases_since("sender-a", an_hour_ago) == 2
    assert outbox.cases_since("sender-a", datetime.now(timezone.utc) + timedelta(seconds=1)) == 0
