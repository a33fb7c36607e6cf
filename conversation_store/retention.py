"""The retention job for conversations: drops every conversation whose last message is older
than LOTSE_CONVERSATION_RETENTION_DAYS (default 30). The stack's retention loop runs it."""

from __future__ import annotations

import argparse
import logging
import os
import time
from datetime import timedelta

from conversation_store.forgetting import retention_cutoff, store_from_endpoints

logger = logging.getLogger("lotse.conversation_retention")
DEFAULT_RETENTION_DAYS = 30.0


def retention_period() -> timedelta:
    return timedelta(days=float(os.environ.get("LOTSE_CONVERSATION_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", default="endpoints.yml")
    args = parser.parse_args()
    store = store_from_endpoints(args.endpoints)
    removed = store.delete_ended_before(retention_cutoff(time.time(), retention_period()))
    logger.info("removed %d conversation(s) past retention", removed)


if __name__ == "__main__":
    main()
