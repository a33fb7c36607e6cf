"""Providers redeliver webhooks they think failed; a delivery id seen recently is skipped."""

from collections import OrderedDict
from typing import Optional


class RecentDeliveries:
    def __init__(self, capacity: int = 2048) -> None:
        self._capacity = capacity
        self._seen: "OrderedDict[str, None]" = OrderedDict()

    def first_time(self, delivery_id: Optional[object]) -> bool:
        """True the first time an id is seen (within the last `capacity` ids), and for no id."""
        if delivery_id is None or delivery_id == "":
            return True
        delivery_id = str(delivery_id)
        if delivery_id in self._seen:
            return False
        self._seen[delivery_id] = None
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True
