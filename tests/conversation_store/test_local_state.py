"""Issue 15 P3 on the bot side: local SQLite files are created for their owner only (0600), phone
numbers and other identifiers are stored as keyed HMAC pseudonyms (not a plain SHA-256, which anyone
can compute for every phone number), and "delete my data" reaches the connector and status-notice stores."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
from pathlib import Path
from typing import Callable, Iterator

import pytest

from actions.link_attempts import LinkAttempts
from actions.outbox import Outbox
from actions.rate_limits import RateLimits
from channels.connector_store import ConnectorStore, pseudonymous_key
from channels.message_limits import _pseudonym as message_limit_key
from channels.status_notices.store import Conversation, Notice, NoticeStore
from channels.whatsapp import WhatsAppMemory
from state_store import local_state

PHONE = "4915112345678"


@pytest.fixture(autouse=True)
def own_var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("LOTSE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("LOTSE_PSEUDONYM_SECRET", raising=False)
    old_umask = os.umask(0o022)  # the usual default: files would be world-readable
    try:
        yield tmp_path
    finally:
        os.umask(old_umask)


OPENERS: dict[str, Callable[[Path], object]] = {
    "channels.sqlite3": lambda path: ConnectorStore(path),
    "status_notices.sqlite3": lambda path: NoticeStore(path),
    "outbox.sqlite3": lambda path: Outbox(path),
    "link_attempts.sqlite3": lambda path: LinkAttempts(path=path),
    "rate_limits.sqlite3": lambda path: RateLimits(path=path),
}


@pytest.mark.parametrize("name", sorted(OPENERS))
def test_each_local_sqlite_file_is_created_for_its_owner_only(own_var_dir: Path, name: str) -> None:
    path = own_var_dir / "state" / name
    OPENERS[name](path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_existing_world_readable_file_is_narrowed(own_var_dir: Path) -> None:
    path = own_var_dir / "channels.sqlite3"
    path.touch(mode=0o644)
    ConnectorStore(path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_phone_numbers_are_keyed_pseudonyms_not_plain_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = hashlib.sha256(PHONE.encode()).hexdigest()
    for key in (pseudonymous_key(PHONE), message_limit_key(PHONE)):
        assert key not in plain and not plain.startswith(key), "a plain SHA-256 can be computed for every number"
    monkeypatch.setenv("LOTSE_PSEUDONYM_SECRET", "configured-secret")
    expected = hmac.new(b"configured-secret", f"connector:{PHONE}".encode(), hashlib.sha256).hexdigest()
    assert pseudonymous_key(PHONE) == expected


def test_without_a_configured_secret_one_is_made_once_and_kept_for_the_owner(own_var_dir: Path) -> None:
    first = pseudonymous_key(PHONE)
    secret_file = own_var_dir / local_state.PSEUDONYM_SECRET_FILE
    assert secret_file.stat().st_mode & 0o777 == 0o600
    local_state._secret.cache_clear()  # as a restarted process would
    assert pseudonymous_key(PHONE) == first, "stable across restarts, or stored state would be lost"
    assert PHONE not in secret_file.read_text()


def test_the_connector_store_forgets_a_conversation(own_var_dir: Path) -> None:
    store = ConnectorStore(own_var_dir / "channels.sqlite3")
    memory = WhatsAppMemory(store, clock=lambda: 1000.0)
    memory.record_inbound(PHONE)
    memory.note_language_choice(PHONE, '{"language": "en"}')
    memory.record_inbound("4915199999999")
    store.put("teams_references", "msteams-abc", {"conversation": "x"})
    assert store.forget_conversation(PHONE) == 2
    assert memory.language(PHONE) is None and not memory.window_open(PHONE)
    assert memory.window_open("4915199999999"), "other conversations keep theirs"
    assert store.forget_conversation("msteams-abc") == 1


def test_the_status_notice_store_forgets_a_conversation_and_its_cases(own_var_dir: Path) -> None:
    store = NoticeStore(own_var_dir / "status_notices.sqlite3")
    mine, other = "LT-2026-AAAAA1", "LT-2026-BBBBB2"
    for reference, sender in ((mine, "employer"), (other, "someone-else")):
        store.accept(Notice(f"event-{reference}", reference, "in_pre_check", "2026-11-26T09:00:00+00:00"))
        store.remember(reference, Conversation("msteams", sender))
    store.forget_conversation("employer", [mine])
    assert store.conversation_of(mine) is None and store.latest_untold([mine]) == []
    assert store.conversation_of(other) == Conversation("msteams", "someone-else")
    assert len(store.latest_untold([other])) == 1


def test_the_secret_is_shared_by_processes_that_start_together(own_var_dir: Path) -> None:
    async def both() -> list[bytes]:
        return await asyncio.gather(*(asyncio.to_thread(local_state._secret, own_var_dir, "") for _ in range(8)))

    local_state._secret.cache_clear()
    assert len(set(asyncio.run(both()))) == 1
