"""The consumer's status file, `$LOTSE_VAR_DIR/insights-status.json`, which the backend's health can
show: `{"source", "backlog", "events", "posted", "duplicates", "refused", "last_event_at", "last_posted_at",
"last_error_at", "updated_at"}` (times as Unix seconds; `backlog` = events waiting: messages in the queue,
or tracker rows not yet read; `events` = events read and delivered since the start; `posted`/`duplicates`/
`refused` = facts the backend stored/already had/refused as invalid, dropped; `last_event_at` = the time of
the newest event read). `report()` is what the consumer sends to the backend's health endpoint
(PUT /api/v1/insights/consumer-status, docs/contracts.md)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Optional

STATUS_FILE = "insights-status.json"


@dataclass
class Status:
    source: str
    backlog: int = 0
    events: int = 0
    posted: int = 0
    duplicates: int = 0
    refused: int = 0
    last_event_at: Optional[float] = None
    last_posted_at: Optional[float] = None
    last_error_at: Optional[float] = None
    updated_at: Optional[float] = None

    def write(self, var_dir: Path) -> None:
        """Atomically, so a reader never sees half a file."""
        self.updated_at = time.time()
        target = var_dir / STATUS_FILE
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps(asdict(self)))
        os.replace(partial, target)

    def report(self) -> Dict[str, Any]:
        """The backend's ConsumerStatus: source, backlog and times as ISO 8601 with the zone."""
        return {
            "source": self.source,
            "backlog": self.backlog,
            "last_event_at": _iso(self.last_event_at),
            "reported_at": _iso(self.updated_at or time.time()),
        }


def _iso(moment: Optional[float]) -> Optional[str]:
    return None if moment is None else datetime.fromtimestamp(moment, timezone.utc).isoformat()
