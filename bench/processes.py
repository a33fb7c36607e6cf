"""CPU time and resident memory of a running stack's processes, per process group (a process of
scripts/stack.py starts its own session, so nginx's workers count with nginx), and of this host's
PostgreSQL, Redis and RabbitMQ, read from /proc."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping

from stack import Ports, Stack

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    resident_mb: float


# This host's services, by process name (PostgreSQL's backends each start a session of their own, so
# a process group would miss them); marked *: every stack on the machine uses them.
SHARED_SERVICES = {"postgres": "PostgreSQL*", "redis-server": "Redis*", "beam.smp": "RabbitMQ*"}


def usage(groups: Mapping[str, int]) -> Dict[str, Usage]:
    """User + system CPU seconds and resident memory per named process group, and of the shared services."""
    names = {group: name for name, group in groups.items()}
    cpu: Dict[str, int] = dict.fromkeys([*groups, *SHARED_SERVICES.values()], 0)
    pages = dict(cpu)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command, rest = (entry / "stat").read_text().rsplit(")", 1)
            resident = int((entry / "statm").read_text().split()[1])
        except (OSError, ValueError):
            continue  # ended meanwhile
        fields = rest.split()  # after the name: state, ppid, pgrp, …, utime (12th), stime (13th)
        name = names.get(int(fields[2])) or SHARED_SERVICES.get(command.split("(", 1)[1])
        if name:
            cpu[name] += int(fields[11]) + int(fields[12])
            pages[name] += resident
    return {name: Usage(cpu[name] / TICKS_PER_SECOND, pages[name] * PAGE_BYTES / 1024 / 1024) for name in cpu}


def stack_groups(stack: Stack) -> Dict[str, int]:
    return {name: process.pid for name, process in stack.processes.items()}


def shifted_ports() -> Ports:
    """Ports moved by LOTSE_E2E_PORT_OFFSET, as for the test stacks, so checkouts can bench side by side."""
    offset = int(os.environ.get("LOTSE_E2E_PORT_OFFSET", "0"))
    base = Ports()
    return Ports(base.rasa + offset, base.actions + offset, base.backend + offset, base.web + offset)
