"""Training time as measured, not estimated: runs a training command and records its wall-clock and
CPU time and the machine's load next to the model, so `make bench` can print the figure of the last
`make model` (this machine is shared: the load says how comparable the figure is).

Run: .venv-rasa/bin/python bench/training_time.py models/lotse.training.json -- rasa train ...
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Mapping, Optional, Sequence

CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class TrainingTime:
    wall_seconds: float
    cpu_seconds: float  # user + system of the training and its children
    load_before: float  # 1-minute load average
    load_after: float
    cores: int
    finished_at: str
    mode: str = "full"  # or "finetuned": scripts/train_model.py continued the last model on new data

    def describe(self) -> str:
        return (
            f"{self.wall_seconds / 60:.1f} min wall, {self.cpu_seconds / 60:.1f} min CPU, {self.mode} "
            f"(load {self.load_before:.1f} -> {self.load_after:.1f} on {self.cores} cores, {self.finished_at})"
        )


def timed_run(
    command: Sequence[str], cwd: Optional[Path] = None, env: Optional[Mapping[str, str]] = None, quiet: bool = False
) -> tuple[int, TrainingTime]:
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    output = subprocess.DEVNULL if quiet else None
    returncode = subprocess.run(list(command), cwd=cwd, env=env, stdout=output).returncode
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    finished = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return returncode, TrainingTime(round(wall, 1), round(cpu, 1), load_before, os.getloadavg()[0], CORES, finished)


def record(path: Path, measured: TrainingTime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(measured), indent=2) + "\n", encoding="utf-8")


def recorded(path: Path) -> Optional[TrainingTime]:
    """The recorded figure, or None when the model was not trained by a timed run."""
    try:
        return TrainingTime(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def main(argv: List[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: training_time.py RECORD.json -- COMMAND ...", file=sys.stderr)
        return 2
    returncode, measured = timed_run(argv[2:])
    if returncode == 0:
        record(Path(argv[0]), measured)
        print(f"training took {measured.describe()}")
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
