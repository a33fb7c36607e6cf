from __future__ import annotations

import pytest

from tests.postgres_database import postgres_state_url  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTSE_TEST_MODE", "1")
    monkeypatch.setenv("LOTSE_TODAY", "2026-11-26")
