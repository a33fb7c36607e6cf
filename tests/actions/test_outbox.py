"""The outbox on both backends of the storage layer: its own SQLite file (embedded default) and a
shared PostgreSQL database (`LOTSE_BOT_STATE_URL`), through the same code."""

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from actions.outbox import CLAIM_LEASE, Outbox

BODY = {"reference": "LT-2026-ABCDEF", "case": {"contact_email": "a@b.de"}}


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
        return
    url: str = request.getfixturevalue("postgres_state_url")
    monkeypatch.setenv("LOTSE_BOT_STATE_URL", url)
    yield url
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM outbox"))
    engine.dispose()


@pytest.fixture
def outbox(state_url: str, tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "outbox.sqlite3") if state_url.startswith("sqlite") else Outbox()


def test_a_reference_is_stored_once_and_the_first_body_wins(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.put("LT-2026-ABCDEF", "sender", {**BODY, "case": {"contact_email": "other@b.de"}})
    assert [case.body for case in outbox.claim()] == [BODY]


def test_a_failed_delivery_waits_before_the_next_attempt(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.mark_retry("LT-2026-ABCDEF", attempts=0)
    assert list(outbox.claim()) == []
    assert [case.attempts for case in outbox.claim(datetime.now(timezone.utc) + timedelta(minutes=1))] == [1]


def test_delivered_cases_lose_their_personal_data_after_retention(outbox: Outbox, state_url: str) -> None:
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    outbox.mark_done("LT-2026-ABCDEF", "created")
    assert outbox.purge_personal_data(timedelta(days=30)) == 0
    assert outbox.purge_personal_data(timedelta(days=30), now=datetime.now(timezone.utc) + timedelta(days=31)) == 1
    engine = create_engine(state_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body FROM outbox")).all() == [(None,)]
    engine.dispose()


def test_forgetting_a_sender_withdraws_its_queued_cases(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender-a", BODY)
    outbox.put("LT-2026-GHJKMN", "sender-b", {**BODY, "reference": "LT-2026-GHJKMN"})
    outbox.forget_sender("sender-a")
    assert [case.reference for case in outbox.claim()] == ["LT-2026-GHJKMN"]


def test_cases_are_counted_per_sender_for_the_rate_limit(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender-a", BODY)
    outbox.put("LT-2026-GHJKMN", "sender-a", {**BODY, "reference": "LT-2026-GHJKMN"})
    outbox.put("LT-2026-PQRSTV", "sender-b", {**BODY, "reference": "LT-2026-PQRSTV"})
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    assert outbox.cases_since("sender-a", an_hour_ago) == 2
    assert outbox.cases_since("sender-a", datetime.now(timezone.utc) + timedelta(seconds=1)) == 0


def test_a_claimed_case_is_skipped_by_other_workers_until_the_lease_ends(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    assert [case.reference for case in outbox.claim()] == ["LT-2026-ABCDEF"]
    assert outbox.claim() == []  # held by the first worker
    after_the_lease = datetime.now(timezone.utc) + CLAIM_LEASE + timedelta(seconds=1)
    assert [case.reference for case in outbox.claim(after_the_lease)] == ["LT-2026-ABCDEF"]  # that worker died


def test_a_case_stored_as_claimed_is_left_to_its_sender_until_the_lease_ends(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender", BODY, claimed=True)
    assert outbox.claim() == []
    assert len(outbox.claim(datetime.now(timezone.utc) + CLAIM_LEASE + timedelta(seconds=1))) == 1


def test_a_settled_case_is_not_claimed_again(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    [case] = outbox.claim()
    outbox.mark_done(case.reference, "created")
    assert outbox.claim(datetime.now(timezone.utc) + CLAIM_LEASE * 2) == []
    assert outbox.is_delivered(case.reference)


def test_a_renamed_case_keeps_its_body_under_the_new_reference(outbox: Outbox) -> None:
    outbox.put("LT-2026-ABCDEF", "sender", BODY)
    [case] = outbox.claim()
    renamed = outbox.rename(case, "LT-2026-GHJKMN")
    assert renamed.body == {**BODY, "reference": "LT-2026-GHJKMN"}
    outbox.mark_done("LT-2026-GHJKMN", "created")
    assert outbox.is_delivered("LT-2026-GHJKMN") and not outbox.is_delivered("LT-2026-ABCDEF")
