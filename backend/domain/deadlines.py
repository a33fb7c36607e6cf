"""The internal first-response target and the statutory clocks shown after forwarding."""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

STATUTORY_CLOCKS_FILE = Path(__file__).with_name("statutory_clocks.json")


@dataclass(frozen=True)
class FirstResponse:
    due_at: datetime
    responded_at: datetime | None
    overdue: bool


def first_response(due_at: datetime, responded_at: datetime | None, now: datetime) -> FirstResponse:
    """Overdue when the first response came late, or has not come and the target has passed."""
    answered_or_now = responded_at or now
    return FirstResponse(due_at=due_at, responded_at=responded_at, overdue=answered_or_now > due_at)


@cache
def statutory_clocks() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(STATUTORY_CLOCKS_FILE.read_text(encoding="utf-8"))
    return data
