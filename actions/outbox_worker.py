"""Background worker that `make run` starts: retries cases the backend could not take at once."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta

from actions.backend_client import BackendClient
from actions.delivery import deliver_due, send_due_erasures
from actions.outbox import Outbox

logger = logging.getLogger("lotse.outbox_worker")


async def run_forever(interval_seconds: float, retention: timedelta) -> None:
    outbox, client = Outbox(), BackendClient()
    dead_letters = (await asyncio.to_thread(outbox.figures))["dead_letters"]
    if dead_letters:
        logger.error("%d case(s) in the dead letters: see `python -m actions.outbox status`", dead_letters)
    while True:
        accepted = await deliver_due(outbox, client)
        if accepted:
            logger.info("delivered %d queued case(s)", accepted)
        await send_due_erasures(outbox, client)
        purged = await asyncio.to_thread(outbox.purge_personal_data, retention)
        if purged:
            logger.info("removed personal data of %d delivered case(s) past retention", purged)
        await asyncio.sleep(interval_seconds)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    interval = float(os.environ.get("LOTSE_OUTBOX_INTERVAL_SECONDS", "5"))
    retention = timedelta(days=float(os.environ.get("LOTSE_OUTBOX_RETENTION_DAYS", "30")))
    try:
        asyncio.run(run_forever(interval, retention))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
