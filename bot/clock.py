"""Today's date for the assistant: the calendar day in Europe/Berlin.

``LOTSE_TODAY`` (an ISO date) overrides it, but only when ``LOTSE_TEST_MODE=1``,
so a stray variable in production can never shift the figures the bot quotes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


class ClockError(ValueError):
    """LOTSE_TODAY is set in test mode but is not an ISO date."""


def today(environ: Mapping[str, str] | None = None, now: datetime | None = None) -> date:
    """The current date in Europe/Berlin, or LOTSE_TODAY in test mode."""
    env = os.environ if environ is None else environ
    override = env.get("LOTSE_TODAY")
    if override and env.get("LOTSE_TEST_MODE") == "1":
        try:
            return date.fromisoformat(override)
        except ValueError:
            raise ClockError(f"LOTSE_TODAY is not an ISO date: {override!r}") from None
    moment = now if now is not None else datetime.now(tz=BERLIN)
    return moment.astimezone(BERLIN).date()
