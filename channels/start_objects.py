"""Once the Rasa server has loaded its model, the objects made at its start (the model's TensorFlow
objects, the domain, the rules, the NLU components) are moved out of the garbage collector's reach
(`gc.freeze`).

Python's full collection walks every object the process holds; with Lotse's model loaded that is
millions, and one collection stopped the server for ~1.5 s in a run of 20 conversations, during which
no conversation was served (bench/latency.py, issue 18 L5). What lives as long as the process is never
garbage, so it need not be walked; objects made later (trackers, messages) are collected as before.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

logger = logging.getLogger(__name__)


def freeze_start_objects() -> int:
    """Collects what is garbage already, then freezes the rest; returns how many objects are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


async def after_server_start(app: Any, loop: Any) -> None:
    """A Sanic listener: Rasa loads the model before the server starts (`before_server_start`)."""
    frozen = freeze_start_objects()
    logger.info("%d objects of the server's start are left out of garbage collection", frozen)
