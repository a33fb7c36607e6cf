"""Issue 16 S1: the Rasa server's state that another replica needs — status notices, the connector
entries, webhook delivery ids — on both backends of the state store, seen by two "replicas": two
store objects with their own engines (their own connections) on one database, used from parallel
threads. The delivery ids also in Redis (the production profile), two logs on one Redis."""

from __future__ import annotations

import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator, List, Tuple, TypeVar

import pytest
import redis
from sqlalchemy import text

from channels.connector_store import ConnectorStore
from channels.inbound_dedup import RecentDeliveries, RedisDeliveryLog, TableDeliveryLog
from channels.status_notices import store as notice_module
from channels.status_notices.store import Conversation, Notice, NoticeStore
from state_store.engine import engine_for

REDIS_URL = "redis://127.0.0.1:6379/2"  # the production profile's database for limits and delivery ids
Result = TypeVar("Result")


@pytest.fixture(params=["sqlite", "postgresql"])
def replica_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Tuple[str, str]:
    """Two spellings of one database's URL: two engines, as two replicas would have."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/state.sqlite3", f"sqlite:///{tmp_path}/./state.sqlite3"
    url = request.getfixturevalue("postgres_state_url")
    return f"{url}?application_name=replica_a", f"{url}?application_name=replica_b"


def on_replicas(
    urls: Tuple[str, str], open_store: Callable[[], Result], monkeypatch: pytest.MonkeyPatch
) -> Tuple[Result, Result]:
    stores = []
    for url in urls:
        monkeypatch.setenv("LOTSE_BOT_STATE_URL", url)
        stores.append(open_store())
    return stores[0], stores[1]


def in_parallel(calls: List[Callable[[], Result]]) -> List[Result]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda call: call(), calls))


def notice(number: int = 0, reference: str = "LT-2026-7K3QZD", changed_at: str = "2026-11-26T09:00:00+00:00") -> Notice:
    return Notice(f"event-{uuid.uuid4().hex[:8]}-{number}", reference, "in_pre_check", changed_at)


@pytest.fixture
def notices(replica_urls: Tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> Tuple[NoticeStore, NoticeStore]:
    return on_replicas(replica_urls, NoticeStore, monkeypatch)


def test_a_notice_received_by_one_replica_is_told_by_exactly_one(notices: Tuple[NoticeStore, NoticeStore]) -> None:
    first, second = notices
    received = [notice(number, reference=f"LT-2026-{number:06d}") for number in range(100)]
    assert all(first.accept(each) for each in received)
    assert second.latest_untold([received[0].reference]) == [received[0]]
    claims = in_parallel([lambda each=each, store=store: store.claim(each) for each in received for store in notices])
    assert claims.count(True) == len(received), "every notice claimed once, by one of the two"
    assert claims.count(False) == len(received)
    assert first.has_untold(), "claimed, but not told until the answer went out"
    in_parallel([lambda each=each: second.confirm(each) for each in received])
    assert not first.has_untold() and not second.has_untold()


def test_a_released_claim_is_told_by_the_other_replica(notices: Tuple[NoticeStore, NoticeStore]) -> None:
    first, second = notices
    kept = notice()
    first.accept(kept)
    assert first.claim(kept)
    first.release(kept)  # the channel refused the message
    assert second.latest_untold([kept.reference]) == [kept] and second.claim(kept)
    assert not first.claim(kept)


def test_a_claim_never_confirmed_lapses_and_the_notice_is_told_again(
    notices: Tuple[NoticeStore, NoticeStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replica that claimed it died before its answer went out: after the lease another tells it."""
    first, second = notices
    kept = notice(reference=f"LT-2026-{uuid.uuid4().hex[:6].upper()}")
    first.accept(kept)
    assert first.claim(kept)
    assert not second.claim(kept), "a live claim is exclusive"
    later = datetime.now(timezone.utc) + notice_module.CLAIM_LEASE + timedelta(seconds=1)
    monkeypatch.setattr(notice_module, "_now", lambda: later)
    assert second.latest_untold([kept.reference]) == [kept] and second.claim(kept)
    second.confirm(kept)
    assert not first.claim(kept) and first.latest_untold([kept.reference]) == []


def test_a_confirmed_notice_counts_its_older_ones_as_told(notices: Tuple[NoticeStore, NoticeStore]) -> None:
    first, second = notices
    case = f"LT-2026-{uuid.uuid4().hex[:6].upper()}"
    older = notice(0, reference=case, changed_at="2026-11-26T09:00:00+00:00")
    newer = notice(1, reference=case, changed_at="2026-11-26T10:00:00+00:00")
    first.accept(older)
    first.accept(newer)
    assert second.latest_untold([newer.reference]) == [newer] and second.claim(newer)
    second.confirm(newer)
    assert first.latest_untold([case]) == [] and not first.claim(older)


def test_a_version_1_store_gets_the_claim_column_and_keeps_its_notices(tmp_path: Path) -> None:
    """A database written before claims were leases (schema version 1) is upgraded in place."""
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE lotse_schema_versions (store VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL);"
            "INSERT INTO lotse_schema_versions VALUES ('status_notices', 1);"
            "CREATE TABLE status_notices (event_id TEXT PRIMARY KEY, reference TEXT NOT NULL, status TEXT NOT NULL,"
            " changed_at TEXT NOT NULL, received_at TEXT NOT NULL, told_at TEXT);"
            "INSERT INTO status_notices VALUES ('event-old-1', 'LT-2026-7K3QZD', 'in_pre_check',"
            " '2026-11-26T09:00:00+00:00', '2026-11-26T09:00:01+00:00', NULL);"
        )
    store = NoticeStore(path)
    kept = Notice("event-old-1", "LT-2026-7K3QZD", "in_pre_check", "2026-11-26T09:00:00+00:00")
    assert store.latest_untold([kept.reference]) == [kept] and store.claim(kept)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version FROM lotse_schema_versions").fetchall() == [(2,)]


def test_a_replayed_event_id_is_refused_by_the_other_replica(notices: Tuple[NoticeStore, NoticeStore]) -> None:
    first, second = notices
    replayed = notice()
    assert first.accept(replayed)
    assert not second.accept(replayed)
    racing = notice(1)
    assert in_parallel([lambda store=store: store.accept(racing) for store in notices * 10]).count(True) == 1


def test_the_conversation_of_a_case_is_found_by_the_other_replica(notices: Tuple[NoticeStore, NoticeStore]) -> None:
    first, second = notices
    first.remember("LT-2026-7K3QZD", Conversation("botframework", "teams-sender"))
    second.remember("LT-2026-7K3QZD", Conversation("botframework", "teams-sender"))  # the next turn, elsewhere
    assert first.conversation_of("LT-2026-7K3QZD") == Conversation("botframework", "teams-sender")
    second.forget_conversation("teams-sender", ["LT-2026-7K3QZD"])
    assert first.conversation_of("LT-2026-7K3QZD") is None


def test_notices_and_the_case_map_are_dropped_after_30_days(
    notices: Tuple[NoticeStore, NoticeStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = notices
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    monkeypatch.setattr(notice_module, "_now", lambda: start)
    old = notice(reference="LT-2026-AAAAA1")
    first.accept(old)
    first.remember(old.reference, Conversation("botframework", "quiet-sender"))
    monkeypatch.setattr(notice_module, "_now", lambda: start + timedelta(days=31))
    second.accept(notice(reference="LT-2026-BBBBB2"))  # any later receipt purges
    assert first.latest_untold([old.reference]) == [] and first.conversation_of(old.reference) is None


@pytest.fixture
def connectors(replica_urls: Tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> Tuple[ConnectorStore, ConnectorStore]:
    return on_replicas(replica_urls, ConnectorStore.shared, monkeypatch)


def test_a_connector_entry_written_by_one_replica_is_found_by_the_other(
    connectors: Tuple[ConnectorStore, ConnectorStore],
) -> None:
    first, second = connectors
    first.put("teams_references", "msteams-abc", {"conversation": {"id": "a:1"}})
    assert second.get("teams_references", "msteams-abc") == {"conversation": {"id": "a:1"}}
    second.put("teams_references", "msteams-abc", {"conversation": {"id": "a:2"}})
    assert first.get("teams_references", "msteams-abc") == {"conversation": {"id": "a:2"}}
    assert first.forget_conversation("msteams-abc") == 1 and second.get("teams_references", "msteams-abc") is None


def test_connector_entries_expire_with_the_conversations(
    connectors: Tuple[ConnectorStore, ConnectorStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = connectors
    first.put("whatsapp_windows", "old", {"last_inbound": 1.0})
    monkeypatch.setenv("LOTSE_CONVERSATION_RETENTION_DAYS", "0")
    second.put("whatsapp_windows", "new", {"last_inbound": 2.0})
    assert first.get("whatsapp_windows", "old") is None and first.get("whatsapp_windows", "new") is not None


def test_both_stores_record_their_schema_version(
    replica_urls: Tuple[str, str], notices: object, connectors: object
) -> None:
    with engine_for(replica_urls[0]).connect() as connection:
        versions = dict(connection.execute(text("SELECT store, version FROM lotse_schema_versions")).all())
    assert versions["status_notices"] == notice_module.SCHEMA_VERSION and versions["connector_entries"] == 1


# ---------------------------------------------------------------- webhook delivery ids


@pytest.fixture(params=["table", "redis"])
def delivery_logs(request: pytest.FixtureRequest, replica_urls: Tuple[str, str]) -> Iterator[Tuple[object, object]]:
    if request.param == "table":
        yield TableDeliveryLog(replica_urls[0]), TableDeliveryLog(replica_urls[1])
        return
    yield RedisDeliveryLog(REDIS_URL), RedisDeliveryLog(REDIS_URL)
    forget_test_keys()


def forget_test_keys() -> None:
    """The test channels' keys in the shared Redis database (they would expire in 7 days)."""
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match="lotse_delivery:*-test-*"):
        client.delete(key)


def test_a_redelivery_to_the_other_replica_is_skipped(delivery_logs: Tuple[object, object]) -> None:
    channel = f"whatsapp-test-{uuid.uuid4().hex[:8]}"
    first, second = (RecentDeliveries(channel, log) for log in delivery_logs)  # type: ignore[arg-type]
    assert first.first_time("wamid.HBgM1") and not second.first_time("wamid.HBgM1")
    assert RecentDeliveries(f"{channel}-other", delivery_logs[1]).first_time("wamid.HBgM1"), "ids are per channel"
    assert second.first_time(None) and second.first_time(""), "no id: nothing to compare"
    racing = in_parallel([lambda each=each: each.first_time("wamid.race") for each in (first, second) * 10])
    assert racing.count(True) == 1


def test_delivery_ids_in_redis_expire() -> None:
    log = RedisDeliveryLog(REDIS_URL, kept_for=timedelta(days=7))
    channel = f"telegram-test-{uuid.uuid4().hex[:8]}"
    assert log.first_record(channel, "4711")
    assert 7 * 86400 - 5 < redis.Redis.from_url(REDIS_URL).ttl(f"lotse_delivery:{channel}:4711") <= 7 * 86400
    forget_test_keys()


def test_delivery_ids_in_the_table_expire(replica_urls: Tuple[str, str]) -> None:
    first, second = TableDeliveryLog(replica_urls[0], timedelta(0)), TableDeliveryLog(replica_urls[1], timedelta(0))
    assert first.first_record("telegram", "4711")
    assert second.first_record("telegram", "4711"), "expired at once: recorded again"


def test_what_the_sqlite_files_held_before_is_kept(tmp_path: Path) -> None:
    """The files of an embedded install that ran before state_store: their rows move to the new tables."""
    old_notices = sqlite3.connect(tmp_path / "status_notices.sqlite3")
    old_notices.executescript(
        "CREATE TABLE notices (event_id TEXT PRIMARY KEY, reference TEXT NOT NULL, status TEXT NOT NULL,"
        " changed_at TEXT NOT NULL, received_at TEXT NOT NULL, told_at TEXT);"
        "CREATE TABLE conversations (reference TEXT PRIMARY KEY, channel TEXT NOT NULL, sender_id TEXT NOT NULL,"
        " seen_at TEXT NOT NULL);"
        f"INSERT INTO notices VALUES ('event-1', 'LT-2026-7K3QZD', 'complete', '2026-11-26T09:00:00+00:00',"
        f" '{datetime.now(timezone.utc).isoformat()}', NULL);"
        f"INSERT INTO conversations VALUES ('LT-2026-7K3QZD', 'botframework', 'teams-sender',"
        f" '{datetime.now(timezone.utc).isoformat()}');"
    )
    old_notices.close()
    old_entries = sqlite3.connect(tmp_path / "channels.sqlite3")
    old_entries.executescript(
        "CREATE TABLE entries (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY (namespace, key));"
        """INSERT INTO entries VALUES ('teams_references', 'teams-sender', '{"conversation": {"id": "a:1"}}');"""
    )
    old_entries.close()
    notices = NoticeStore(tmp_path / "status_notices.sqlite3")
    assert [each.event_id for each in notices.latest_untold(["LT-2026-7K3QZD"])] == ["event-1"]
    assert notices.conversation_of("LT-2026-7K3QZD") == Conversation("botframework", "teams-sender")
    connectors = ConnectorStore(tmp_path / "channels.sqlite3")
    assert connectors.get("teams_references", "teams-sender") == {"conversation": {"id": "a:1"}}
    assert NoticeStore(tmp_path / "status_notices.sqlite3").accept(notice()), "opened again: nothing moved twice"
