"""LOTSE_E2E_PORT_OFFSET shifts every port of a test stack, so two checkouts can run the
end-to-end suite side by side on one machine."""

from __future__ import annotations

import os

from stack import Ports


def shifted(ports: Ports) -> Ports:
    offset = int(os.environ.get("LOTSE_E2E_PORT_OFFSET", "0"))
    return Ports(
        rasa=ports.rasa + offset, actions=ports.actions + offset, backend=ports.backend + offset, web=ports.web + offset
    )
