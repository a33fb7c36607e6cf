"""Does a spaCy tokenizer (lookup lemmas) beat Rasa's WhitespaceTokenizer for Lotse's NLU?
Trains the NLU pipeline of config.yml twice on the same data with the same seed — once as it is
(bot.nlu.framing_tokenizer, whitespace tokens), once with bench/spacy_tokenizer.py in its place — and prints intent
macro-F1 and accuracy on the frozen German and English test sets.
The spaCy variant runs in its own environment (var/bench/venv-spacy: requirements/rasa.lock plus
requirements/bench-spacy.lock), because Lotse itself does not install spaCy.
Run: .venv-rasa/bin/python bench/nlu_compare.py   (about two NLU trainings long)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
PRODUCTION_RASA = REPO / ".venv-rasa" / "bin" / "rasa"
SPACY_VENV = REPO / "var" / "bench" / "venv-spacy"
SPACY_TOKENIZER = "bench.spacy_tokenizer.BilingualSpacyTokenizer"
PRODUCTION_TOKENIZER = "bot.nlu.framing_tokenizer.FramingAwareTokenizer"
LOCKS = [REPO / "requirements" / "rasa.lock", REPO / "requirements" / "bench-spacy.lock"]
UV = ["python3", "-m", "uv"]  # as in the Makefile: uv lives with the system Python


def spacy_rasa() -> Path:
    python = SPACY_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([*UV, "venv", "--quiet", "--python", "3.10", str(SPACY_VENV)], check=True, cwd=REPO)
    subprocess.run([*UV, "pip", "sync", "--quiet", "--python", str(python), *map(str, LOCKS)], check=True, cwd=REPO)
    return SPACY_VENV / "bin" / "rasa"


def config_with(tokenizer: str, folder: Path) -> Path:
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    config["pipeline"][names.index(PRODUCTION_TOKENIZER)] = {"name": tokenizer}
    config.pop("policies", None)
    path = folder / f"config-{tokenizer.rsplit('.', 1)[-1]}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run_rasa(rasa: Path, *arguments: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    run = subprocess.run([str(rasa), *arguments], cwd=REPO, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"rasa {arguments[0]} failed:\n{run.stderr[-3000:]}")


def train(rasa: Path, config: Path, folder: Path) -> Path:
    run_rasa(
        rasa,
        "train",
        "nlu",
        "--quiet",
        "--config",
        str(config),
        "--nlu",
        str(REPO / "data" / "nlu"),
        "--out",
        str(folder),
        "--fixed-model-name",
        config.stem,
    )
    return folder / f"{config.stem}.tar.gz"


def evaluate(rasa: Path, model: Path, language: str, folder: Path) -> dict:
    out = folder / f"{model.stem}-{language}"
    run_rasa(
        rasa,
        "test",
        "nlu",
        "--quiet",
        "--model",
        str(model),
        "--nlu",
        str(REPO / "tests" / "nlu" / f"{language}.yml"),
        "--out",
        str(out),
    )
    return json.loads((out / "intent_report.json").read_text())


def main() -> int:
    variants = [(PRODUCTION_TOKENIZER, PRODUCTION_RASA), (SPACY_TOKENIZER, spacy_rasa())]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        print(f"{'tokenizer':<28}{'lang':>5}{'macro-F1':>10}{'accuracy':>10}")
        for tokenizer, rasa in variants:
            model = train(rasa, config_with(tokenizer, folder), folder)
            for language in ("de", "en"):
                report = evaluate(rasa, model, language, folder)
                print(
                    f"{tokenizer.rsplit('.', 1)[-1]:<28}{language:>5}{report['macro avg']['f1-score']:>10.3f}{report['accuracy']:>10.3f}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
