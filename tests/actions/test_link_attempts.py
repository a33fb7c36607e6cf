"""Wrong link codes are counted in the state store: on PostgreSQL, a second action server (another
instance on the same database) sees the failures the first recorded."""

from __future__ import annotations

import pytest

from actions.link_attempts import LinkAttempts


def test_another_replica_sees_the_failures_on_the_shared_database(
    postgres_state_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTSE_BOT_STATE_URL", postgres_state_url)
    LinkAttempts(max_failures=2).record_failure("sender-shared")
    LinkAttempts(max_failures=2).record_failure("sender-shared")
    assert LinkAttempts(max_failures=2).blocked("sender-shared")
    assert not LinkAttempts(max_failures=2).blocked("sender-other")
