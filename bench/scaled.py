"""Scaling out on one host (issue 16 S4): the embedded single process, the scaled profile (2 Rasa
servers and 2 action servers behind nginx, on PostgreSQL, Redis and RabbitMQ) and the stock
`rasa init` bot, one after the other in one run, each at 1, 20 and 50 concurrent conversations of
the REST channel (the fixed message mix of bench/latency.py). Printed side by side: p50/p95/p99,
messages per second, errors, and per process its CPU share during the 20-conversation level and its
resident memory after the run, with the machine's load average (it is shared: say so with a figure).
`--faults` runs issue 16 S5 instead (bench/faults.py).

Run: make bench-scaled   (or .venv-rasa/bin/python bench/scaled.py [--faults] [--conversations N])
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Sequence

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "bench"))
from latency import MESSAGES, STOCK_PORT, start_stock_bot, stock_model  # noqa: E402
from processes import Usage, shifted_ports, stack_groups, usage  # noqa: E402
from stack import Scale, Stack, scaled_on_throwaway_databases  # noqa: E402

LEVELS = (1, 20, 50)
MEASURED_LEVEL = 20  # CPU per process is shown for this level (the goal's)
ROUNDS_PER_CONVERSATION = 2
TURN_TIMEOUT_SECONDS = 120
# every bench conversation comes from 127.0.0.1: the per-client limits (bot and nginx) would throttle them
UNLIMITED = {
    "LOTSE_MESSAGE_RATE": "1000000/minute",
    "LOTSE_PROXY_RATE_PER_SECOND": "100000",
    "LOTSE_PROXY_BURST": "100000",
}


@dataclass
class Level:
    concurrency: int
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    wall_seconds: float = 0.0
    cpu_share: Dict[str, float] = field(default_factory=dict)  # per process: CPU seconds / wall seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_seconds if self.wall_seconds else 0.0


@dataclass
class Run:
    label: str
    levels: List[Level]
    memory: Dict[str, Usage]
    load: float  # 1-minute load average at the end of the run


async def conversation(client: httpx.AsyncClient, url: str, level: Level) -> None:
    sender = f"bench-{uuid.uuid4().hex}"
    for _ in range(ROUNDS_PER_CONVERSATION):
        for text in MESSAGES:
            started = time.perf_counter()
            try:
                answer = await client.post(url, json={"sender": sender, "message": text})
                ok = answer.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                level.latencies.append(time.perf_counter() - started)
            else:
                level.errors += 1


async def measure(bot_url: str, concurrency: int, groups: Callable[[], Mapping[str, int]]) -> Level:
    url = f"{bot_url}/webhooks/rest/webhook"
    level = Level(concurrency)
    limits = httpx.Limits(max_connections=concurrency + 5)
    async with httpx.AsyncClient(timeout=TURN_TIMEOUT_SECONDS, limits=limits) as client:
        await conversation(client, url, Level(1))  # warm-up, not counted
        before = usage(groups())
        started = time.perf_counter()
        await asyncio.gather(*(conversation(client, url, level) for _ in range(concurrency)))
        level.wall_seconds = time.perf_counter() - started
        after = usage(groups())
    level.cpu_share = {
        name: (after[name].cpu_seconds - before[name].cpu_seconds) / level.wall_seconds
        for name in after
        if name in before
    }
    return level


def run_levels(label: str, bot_url: str, groups: Callable[[], Mapping[str, int]]) -> Run:
    levels = [asyncio.run(measure(bot_url, concurrency, groups)) for concurrency in LEVELS]
    return Run(label, levels, usage(groups()), os.getloadavg()[0])


def embedded(var_dir: Path) -> Run:
    with Stack(var_dir=var_dir, ports=shifted_ports(), extra_env=UNLIMITED).running() as stack:
        return run_levels("embedded", f"http://127.0.0.1:{stack.ports.rasa}", lambda: stack_groups(stack))


def scaled(var_dir: Path) -> Run:
    with scaled_on_throwaway_databases(var_dir, shifted_ports(), Scale(2, 2), "lotse_bench", UNLIMITED) as stack:
        return run_levels("scaled", f"http://127.0.0.1:{stack.ports.rasa}", lambda: stack_groups(stack))


def stock(var_dir: Path) -> Run:
    bot = start_stock_bot(stock_model(), var_dir / "stock.log")
    try:
        return run_levels("stock", f"http://127.0.0.1:{STOCK_PORT}", lambda: {"rasa": bot.pid})
    finally:
        bot.terminate()
        bot.wait(timeout=30)


def print_latencies(runs: Sequence[Run]) -> None:
    print(f"{'profile':<10}{'conc':>5}{'msgs':>6}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'msg/s':>8}")
    for level_index in range(len(LEVELS)):
        for run in runs:
            level = run.levels[level_index]
            print(
                f"{run.label:<10}{level.concurrency:>5}{len(level.latencies):>6}{level.errors:>7}"
                f"{level.percentile(0.5):>9.0f}{level.percentile(0.95):>9.0f}{level.percentile(0.99):>9.0f}"
                f"{level.throughput:>8.1f}"
            )


def print_processes(runs: Sequence[Run]) -> None:
    print(f"\nper process: CPU (share of one core) at {MEASURED_LEVEL} conversations; resident memory after the run")
    for run in runs:
        level = next(level for level in run.levels if level.concurrency == MEASURED_LEVEL)
        own = [name for name in run.memory if not name.endswith("*")]
        total_cpu = sum(level.cpu_share.get(name, 0.0) for name in own)
        total_memory = sum(run.memory[name].resident_mb for name in own)
        print(
            f"  {run.label} (load average {run.load:.1f} at the end; its processes {total_cpu:.0%} CPU, {total_memory:.0f} MB)"
        )
        for name, used in sorted(run.memory.items(), key=lambda item: -item[1].resident_mb):
            print(f"    {name:<16}{level.cpu_share.get(name, 0.0):>6.0%} CPU{used.resident_mb:>8.0f} MB")


def print_notes() -> None:
    print("  * shared by every stack on this machine: their CPU includes other users' work")
    print("  lock waits: none by construction (each conversation sends its next message after the answer)")


def print_goals(runs: Mapping[str, Run]) -> None:
    at = {
        label: next(level for level in run.levels if level.concurrency == MEASURED_LEVEL) for label, run in runs.items()
    }
    scaled_level = at["scaled"]
    print(
        f"\nat {MEASURED_LEVEL} conversations: scaled/embedded throughput {scaled_level.throughput / at['embedded'].throughput:.2f}x "
        f"(goal ≥ 1.6x), scaled/stock {scaled_level.throughput / at['stock'].throughput:.2f}x (goal ≥ 1.5x), "
        f"scaled p99 {scaled_level.percentile(0.99):.0f} ms (goal < 2000 ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--faults", action="store_true", help="issue 16 S5: kill a Rasa and an action server under load"
    )
    parser.add_argument("--conversations", type=int, default=20, help="with --faults: concurrent intakes (default 20)")
    args = parser.parse_args()
    if args.faults:
        from faults import run_faults  # noqa: PLC0415 (only this mode needs the intake script)

        return run_faults(args.conversations)
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}", flush=True)
    runs: Dict[str, Run] = {}
    for label, measure_profile in (("embedded", embedded), ("scaled", scaled), ("stock", stock)):
        with tempfile.TemporaryDirectory() as var_dir:
            runs[label] = measure_profile(Path(var_dir))
        print(f"{label} done (load average {os.getloadavg()[0]:.1f})", flush=True)
    print_latencies(list(runs.values()))
    print_processes(list(runs.values()))
    print_notes()
    print_goals(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
