"""Does the bilingual spaCy tokenizer (lookup lemmas) help? Trains the NLU pipeline of config.yml
twice — once as it is, once with Rasa's WhitespaceTokenizer instead — and prints intent macro-F1
and accuracy on the frozen German and English test sets for both.
Run: .venv-rasa/bin/python bench/nlu_compare.py   (about two NLU trainings long)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
SPACY_TOKENIZER = "bot.nlu.bilingual_tokenizer.BilingualSpacyTokenizer"


def config_with(tokenizer: str, folder: Path) -> Path:
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"][0] = {"name": tokenizer}
    config.pop("policies", None)
    path = folder / f"config-{tokenizer.rsplit('.', 1)[-1]}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def train(config: Path, folder: Path) -> Path:
    name = config.stem
    subprocess.run(
        [str(RASA), "train", "nlu", "--quiet", "--config", str(config), "--nlu", str(REPO / "data" / "nlu"),
         "--out", str(folder), "--fixed-model-name", name],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )
    return folder / f"{name}.tar.gz"


def evaluate(model: Path, language: str, folder: Path) -> dict:
    out = folder / f"{model.stem}-{language}"
    subprocess.run(
        [str(RASA), "test", "nlu", "--quiet", "--model", str(model), "--nlu", str(REPO / "tests" / "nlu" / f"{language}.yml"),
         "--out", str(out)],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )
    return json.loads((out / "intent_report.json").read_text())


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        print(f"{'tokenizer':<28}{'lang':>5}{'macro-F1':>10}{'accuracy':>10}")
        for tokenizer in (SPACY_TOKENIZER, "WhitespaceTokenizer"):
            model = train(config_with(tokenizer, folder), folder)
            for language in ("de", "en"):
                report = evaluate(model, language, folder)
                print(f"{tokenizer.rsplit('.', 1)[-1]:<28}{language:>5}{report['macro avg']['f1-score']:>10.3f}{report['accuracy']:>10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
