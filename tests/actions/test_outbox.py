import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from actions.outbox import CLAIM_LEASE, Outbox

BODY = {"reference": "LT-2026-ABCDEF", "case": {"contact_email": "a@b.de"}}


def test_a_reference_is_stored_once_and_the_first_body_wins(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.put("LT-2026-ABCDEF", "sender", {**BODY, "case": {"contact_email": "other@b.de"}})
    assert [case.body for case in outbox.claim()] == [BODY]


def test_a_failed_delivery_waits_before_the_next_attempt(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.mark_retry("LT-2026-ABCDEF", attempts=0)
    assert list(outbox.claim()) == []
    assert [case.attempts for case in outbox.claim(datetime.now(timezone.utc) + timedelta(minutes=1))] == [1]


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
    assert [case.reference for case in outbox.claim()] == ["LT-2026-GHJKMN"]


def test_cases_are_counted_per_sender_for_the_rate_limit(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender-a", BODY)
    outbox.put("LT-2026-GHJKMN", "sender-a", {**BODY, "reference": "LT-2026-GHJKMN"})
    outbox.put("LT-2026-PQRSTV", "sender-b", {**BODY, "reference": "LT-2026-PQRSTV"})
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    assert outbox.cases_since("sender-a", an_hour_ago) == 2
    assert outbox.cases_since("sender-a", datetime.now(timezone.utc) + timedelta(seconds=1)) == 0


def test_a_claimed_case_is_skipped_by_other_workers_until_the_lease_ends(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    assert [case.reference for case in outbox.claim()] == ["LT-2026-ABCDEF"]
    assert outbox.claim() == []  # held by the first worker
    after_the_lease = datetime.now(timezone.utc) + CLAIM_LEASE + timedelta(seconds=1)
    assert [case.reference for case in outbox.claim(after_the_lease)] == ["LT-2026-ABCDEF"]  # that worker died


def test_a_case_stored_as_claimed_is_left_to_its_sender_until_the_lease_ends(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY, claimed=True)
    assert outbox.claim() == []
    assert len(outbox.claim(datetime.now(timezone.utc) + CLAIM_LEASE + timedelta(seconds=1))) == 1


def test_a_settled_case_is_not_claimed_again(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    [case] = outbox.claim()
    outbox.mark_done(case.reference, "created")
    assert outbox.claim(datetime.now(timezone.utc) + CLAIM_LEASE * 2) == []
    assert outbox.is_delivered(case.reference)


def test_a_renamed_case_keeps_its_body_under_the_new_reference(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    [case] = outbox.claim()
    renamed = outbox.rename(case, "LT-2026-GHJKMN")
    assert renamed.body == {**BODY, "reference": "LT-2026-GHJKMN"}
    outbox.mark_done("LT-2026-GHJKMN", "created")
    assert outbox.is_delivered("LT-2026-GHJKMN") and not outbox.is_delivered("LT-2026-ABCDEF")
