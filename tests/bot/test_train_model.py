"""When `make model` may finetune the last model instead of training in full (scripts/train_model.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from train_model import (  # noqa: E402
    DATA_INPUTS,
    MAX_FINETUNES,
    PIPELINE_INPUTS,
    PipelineState,
    may_finetune,
    pipeline_fingerprint,
    rasa_train,
)


def test_the_fingerprint_covers_every_training_input_of_the_makefile_but_the_data() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^TRAINING_INPUTS := (.*)$", makefile, re.MULTILINE)
    assert listed is not None
    inputs = {pattern or path for pattern, path in re.findall(r"\$\(wildcard ([^)]*)\)|(\S+)", listed.group(1))}
    assert inputs == set(PIPELINE_INPUTS) | set(DATA_INPUTS)


def test_the_fingerprint_changes_with_the_config_and_not_with_the_data(tmp_path: Path) -> None:
    for name in ("config.yml", "domain.yml", "data/nlu/de.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a", encoding="utf-8")
    before = pipeline_fingerprint(tmp_path)
    (tmp_path / "data/nlu/de.yml").write_text("a new example", encoding="utf-8")
    assert pipeline_fingerprint(tmp_path) == before
    (tmp_path / "config.yml").write_text("epochs: 41", encoding="utf-8")
    assert pipeline_fingerprint(tmp_path) != before


SAME = PipelineState("abc", 0)


@pytest.mark.parametrize(
    ("state", "fingerprint", "model_exists", "forced_full", "expected"),
    [
        (SAME, "abc", True, False, True),
        (PipelineState("abc", MAX_FINETUNES - 1), "abc", True, False, True),
        (PipelineState("abc", MAX_FINETUNES), "abc", True, False, False),  # drifted long enough: full again
        (SAME, "changed config", True, False, False),
        (SAME, "abc", False, False, False),  # a fresh clone, as in CI
        (None, "abc", True, False, False),  # a model from before this script
        (SAME, "abc", True, True, False),  # LOTSE_FULL_TRAINING=1
    ],
)
def test_only_data_changes_finetune(
    state: PipelineState | None, fingerprint: str, model_exists: bool, forced_full: bool, expected: bool
) -> None:
    assert may_finetune(state, fingerprint, model_exists, forced_full) is expected


def test_a_finetuning_continues_the_last_model_for_a_fraction_of_the_epochs() -> None:
    command = rasa_train(finetune=True)
    assert command[command.index("--finetune") + 1].endswith("models/lotse.tar.gz")
    assert 0 < float(command[command.index("--epoch-fraction") + 1]) < 1
    assert "--finetune" not in rasa_train(finetune=False)
