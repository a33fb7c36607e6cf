"""CPU time and resident memory of a running stack's processes, per process group (a process of
scripts/stack.py starts its own session, so nginx's workers count with nginx), read from /proc."""

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


def group_usage(group: int) -> Usage:
    """User + system CPU seconds and resident memory of every process in the group."""
    cpu, pages = 0, 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            resident = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, …
            cpu += int(fields[11]) + int(fields[12])
            pages += resident
    return Usage(cpu / TICKS_PER_SECOND, pages * PAGE_BYTES / 1024 / 1024)


def usage(groups: Mapping[str, int]) -> Dict[str, Usage]:
    return {name: group_usage(group) for name, group in groups.items()}


def stack_groups(stack: Stack) -> Dict[str, int]:
    return {name: process.pid for name, process in stack.processes.items()}


SHARED_SERVICES = {"postgres": "PostgreSQL*", "redis-server": "Redis*", "beam.smp": "RabbitMQ*"}


def service_groups() -> Dict[str, int]:
    """This host's PostgreSQL, Redis and RabbitMQ (marked *: every stack on the machine uses them)."""
    found: Dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        try:
            name = (entry / "comm").read_text().strip() if entry.name.isdigit() else ""
            if name in SHARED_SERVICES:
                found.setdefault(SHARED_SERVICES[name], int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2]))
        except (OSError, IndexError):
            continue
    return found


def shifted_ports() -> Ports:
    """Ports moved by LOTSE_E2E_PORT_OFFSET, as for the test stacks, so checkouts can bench side by side."""
    offset = int(os.environ.get("LOTSE_E2E_PORT_OFFSET", "0"))
    base = Ports()
    return Ports(base.rasa + offset, base.actions + offset, base.backend + offset, base.web + offset)
