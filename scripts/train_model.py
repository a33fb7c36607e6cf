"""`make model`: a full training, or a finetuning of the last model when only training data changed.

Why: a full training takes about 9 minutes on the 2-core machine, most of it DIET's 40 epochs. When
`config.yml`, `domain.yml` and the code of the custom NLU components are as they were for the last model,
Rasa can continue that model on the new examples (`rasa train --finetune`) for a fraction of the epochs.
Measured in docs/training.md (session 11): it keeps the held-out intent F1, and costs some English entity F1
and 2 English held-out answers against a full retraining, which the next full training wins back.

A finetuned model drifts from a fresh one with every further finetuning, so after MAX_FINETUNES in a row the
next training is full again; LOTSE_FULL_TRAINING=1 forces one. A fresh clone (and so CI) has no model and
always trains in full. If Rasa refuses the finetuning (its own compatibility check), the training is full.

Run: .venv-rasa/bin/python scripts/train_model.py
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.append(str(REPO / "bench"))  # last: bench/insights.py must not shadow the insights package
from training_time import record, timed_run  # noqa: E402

MODELS = REPO / "models"
MODEL = MODELS / "lotse.tar.gz"
TRAINING_TIME = MODELS / "lotse.training.json"
PIPELINE_STATE = MODELS / "lotse.pipeline.json"
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
# What a finetuned model must share with the model it continues: every training input but the data
# (the Makefile's TRAINING_INPUTS; tests/bot/test_train_model.py keeps the two lists together).
PIPELINE_INPUTS = (
    "config.yml",
    "domain.yml",
    "bot/nlu/*.py",
    "bot/language.py",
    "bot/language_hints.yml",
    "bot/understanding/framing.py",
    "bot/understanding/framing.yml",
)
DATA_INPUTS = ("data/nlu/*.yml", "stories/*.yml")
EPOCH_FRACTION = "0.25"
MAX_FINETUNES = 3


@dataclass(frozen=True)
class PipelineState:
    fingerprint: str
    finetunes_in_a_row: int


def pipeline_fingerprint(repo: Path = REPO) -> str:
    digest = hashlib.sha256()
    for pattern in PIPELINE_INPUTS:
        for path in sorted(repo.glob(pattern)):
            digest.update(str(path.relative_to(repo)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def last_state(path: Path = PIPELINE_STATE) -> Optional[PipelineState]:
    try:
        return PipelineState(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def may_finetune(state: Optional[PipelineState], fingerprint: str, model_exists: bool, forced_full: bool) -> bool:
    return (
        model_exists
        and not forced_full
        and state is not None
        and state.fingerprint == fingerprint
        and state.finetunes_in_a_row < MAX_FINETUNES
    )


def rasa_train(finetune: bool) -> list[str]:
    command = [
        str(RASA),
        "train",
        "--quiet",
        "--data",
        "data/nlu",
        "stories",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--out",
        str(MODELS),
        "--fixed-model-name",
        "lotse",
    ]
    if finetune:
        command += ["--finetune", str(MODEL), "--epoch-fraction", EPOCH_FRACTION]
    return command


def train() -> int:
    fingerprint, state = pipeline_fingerprint(), last_state()
    finetune = may_finetune(state, fingerprint, MODEL.exists(), os.environ.get("LOTSE_FULL_TRAINING") == "1")
    returncode, measured = timed_run(rasa_train(finetune), cwd=REPO)
    if finetune and returncode != 0:
        print("finetuning was refused or failed: training in full", file=sys.stderr)
        finetune = False
        returncode, measured = timed_run(rasa_train(finetune), cwd=REPO)
    if returncode != 0:
        return returncode
    measured = replace(measured, mode="finetuned" if finetune else "full")
    record(TRAINING_TIME, measured)
    in_a_row = state.finetunes_in_a_row + 1 if finetune and state else 0
    PIPELINE_STATE.write_text(json.dumps(asdict(PipelineState(fingerprint, in_a_row))) + "\n", encoding="utf-8")
    print(f"training took {measured.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(train())
