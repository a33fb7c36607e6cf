"""Latency of the REST channel: Lotse against a stock `rasa init` bot, both trained on this machine.

Starts Lotse's stack (scripts/stack.py, fresh state folder), sends a fixed mix of German and
English messages from 1 and from 20 concurrent conversations, then does the same for the stock
bot (created and trained in a temporary folder on first use, cached under var/bench/), and prints
p50/p95/p99 latency, messages per second, the memory of each Rasa process and the ratios, and the
training time of both as measured (Lotse's by the last `make model`, bench/training_time.py).
Bounded: a fixed number of messages, loopback only.
Run: make bench   (or .venv-rasa/bin/python bench/latency.py [--rounds N])
`--rounds N` alternates the two bots N times (Lotse, stock, Lotse, stock, …) and pools each bot's
messages, so a load that drifts on a shared machine falls on both; the load at each phase is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "bench"))
from stack import Ports, Stack, is_healthy  # noqa: E402
from training_time import TrainingTime, recorded, record, timed_run  # noqa: E402

RASA = REPO / ".venv-rasa" / "bin" / "rasa"
STOCK_DIR = REPO / "var" / "bench" / "stock-bot"
STOCK_TRAINING_TIME = STOCK_DIR / "training.json"
LOTSE_TRAINING_TIME = REPO / "models" / "lotse.training.json"
# LOTSE_E2E_PORT_OFFSET shifts the ports as for the end-to-end stacks, so checkouts can bench side by side
PORT_OFFSET = int(os.environ.get("LOTSE_E2E_PORT_OFFSET", "0"))
STOCK_PORT = 5105 + PORT_OFFSET
MESSAGES = [
    "Hallo",
    "Was kostet das beschleunigte Fachkräfteverfahren?",
    "How long does the whole procedure take?",
    "Wer ist seit 2026 zuständig?",
    "Which documents do I need?",
    "danke",
    "What is the salary threshold for the Blue Card?",
    "Wie lange dauert die Anerkennung?",
]
ROUNDS_PER_CONVERSATION = 2
CONCURRENCY_LEVELS = (1, 20)


@dataclass(frozen=True)
class Result:
    label: str
    concurrency: int
    latencies: List[float]
    wall_seconds: float

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall_seconds


def pooled(rounds: Sequence[Sequence[Result]]) -> List[Result]:
    """Per concurrency level, one result of all rounds: their messages together, their times summed."""
    return [
        Result(
            level[0].label,
            level[0].concurrency,
            [latency for result in level for latency in result.latencies],
            sum(result.wall_seconds for result in level),
        )
        for level in zip(*rounds)
    ]


async def conversation(client: httpx.AsyncClient, url: str, latencies: List[float]) -> None:
    sender = f"bench-{uuid.uuid4().hex}"
    for _ in range(ROUNDS_PER_CONVERSATION):
        for text in MESSAGES:
            started = time.perf_counter()
            answer = await client.post(url, json={"sender": sender, "message": text})
            answer.raise_for_status()
            latencies.append(time.perf_counter() - started)


async def measure(label: str, bot_url: str, concurrency: int) -> Result:
    url = f"{bot_url}/webhooks/rest/webhook"
    latencies: List[float] = []
    async with httpx.AsyncClient(timeout=120) as client:
        await conversation(client, url, [])  # warm-up, not counted
        started = time.perf_counter()
        await asyncio.gather(*(conversation(client, url, latencies) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return Result(label, concurrency, latencies, wall)


def stock_model() -> Path:
    model = STOCK_DIR / "models" / "stock.tar.gz"
    if model.exists():
        return model
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)
    # `rasa init --no-prompt` creates the stock project and trains it on this machine, timed like `make model`.
    returncode, measured = timed_run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],
        cwd=STOCK_DIR,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        quiet=True,
    )
    if returncode != 0:
        raise RuntimeError("rasa init failed")
    record(STOCK_TRAINING_TIME, measured)
    next((STOCK_DIR / "models").glob("*.tar.gz")).rename(model)
    return model


def resident_megabytes(pid: int) -> tuple[float, float]:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def start_stock_bot(model: Path, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(RASA), "run", "--port", str(STOCK_PORT), "--model", str(model)],
        cwd=STOCK_DIR,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    deadline = time.monotonic() + 240
    while not is_healthy(f"http://127.0.0.1:{STOCK_PORT}/"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"stock bot did not start; see {log}")
        time.sleep(0.5)
    return process


def print_results(lotse: Sequence[Result], stock: Sequence[Result]) -> None:
    print(f"{'bot':<7}{'conc':>5}{'msgs':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'msg/s':>8}")
    for result in (*lotse, *stock):
        print(
            f"{result.label:<7}{result.concurrency:>5}{len(result.latencies):>6}{result.percentile(0.5):>9.1f}"
            f"{result.percentile(0.95):>9.1f}{result.percentile(0.99):>9.1f}{result.throughput:>8.1f}"
        )
    for ours, theirs in zip(lotse, stock):
        print(
            f"ratio lotse/stock at {ours.concurrency:>2} conversations: p50 {ours.percentile(0.5) / theirs.percentile(0.5):.2f}x, "
            f"p95 {ours.percentile(0.95) / theirs.percentile(0.95):.2f}x, throughput {ours.throughput / theirs.throughput:.2f}x"
        )


def print_memory(lotse: tuple[float, float], stock: tuple[float, float]) -> None:
    for label, (now, peak) in (("lotse", lotse), ("stock", stock)):
        print(f"Rasa process memory {label}: {now:.0f} MB resident after the run (peak {peak:.0f} MB)")
    print(f"ratio lotse/stock memory: {lotse[0] / stock[0]:.2f}x (peak {lotse[1] / stock[1]:.2f}x)")


def print_training_times(lotse: Optional[TrainingTime], stock: Optional[TrainingTime]) -> None:
    for label, measured, how in (
        ("lotse", lotse, "last `make model`"),
        ("stock", stock, "`rasa init`, first `make bench`"),
    ):
        figure = measured.describe() if measured else "not recorded (train it again to measure)"
        print(f"training time {label} ({how}): {figure}")
    if lotse and stock:
        print(
            f"ratio lotse/stock training time: {lotse.wall_seconds / stock.wall_seconds:.1f}x wall, "
            f"{lotse.cpu_seconds / stock.cpu_seconds:.1f}x CPU"
        )


async def run_levels(label: str, bot_url: str) -> List[Result]:
    return [await measure(label, bot_url, level) for level in CONCURRENCY_LEVELS]


def run_lotse(var_dir: Path) -> tuple[List[Result], tuple[float, float]]:
    # every bench conversation comes from 127.0.0.1: the per-address message limit would throttle them
    default = Ports()
    ports = Ports(*(port + PORT_OFFSET for port in (default.rasa, default.actions, default.backend, default.web)))
    stack = Stack(var_dir=var_dir, ports=ports, extra_env={"LOTSE_MESSAGE_RATE": "1000000/minute"})
    try:
        stack.start()
        stack.wait_until_ready()
        results = asyncio.run(run_levels("lotse", f"http://127.0.0.1:{stack.ports.rasa}"))
        return results, resident_megabytes(stack.processes["rasa"].pid)
    finally:
        stack.stop()


def run_stock(model: Path, log: Path) -> tuple[List[Result], tuple[float, float]]:
    stock_bot = start_stock_bot(model, log)
    try:
        results = asyncio.run(run_levels("stock", f"http://127.0.0.1:{STOCK_PORT}"))
        return results, resident_megabytes(stock_bot.pid)
    finally:
        stock_bot.terminate()
        stock_bot.wait(timeout=30)


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1, help="alternate Lotse and the stock bot this many times")
    rounds = parser.parse_args().rounds
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    model = stock_model()
    lotse_rounds: List[List[Result]] = []
    stock_rounds: List[List[Result]] = []
    loads: List[str] = []
    with tempfile.TemporaryDirectory() as var_dir:
        for round_number in range(rounds):
            before = load_average()
            lotse_round, lotse_memory = run_lotse(Path(var_dir) / f"lotse-{round_number}")
            between = load_average()
            stock_round, stock_memory = run_stock(model, Path(var_dir) / f"stock-{round_number}.log")
            loads.append(f"round {round_number + 1}: lotse {before}->{between}, stock {between}->{load_average()}")
            lotse_rounds.append(lotse_round)
            stock_rounds.append(stock_round)
    lotse, stock = pooled(lotse_rounds), pooled(stock_rounds)
    print(f"load average (1 min) on {os.cpu_count()} cores: " + "; ".join(loads))
    print_results(lotse, stock)
    print_memory(lotse_memory, stock_memory)
    print_training_times(recorded(LOTSE_TRAINING_TIME), recorded(STOCK_TRAINING_TIME))
    return 0


if __name__ == "__main__":
    sys.exit(main())
