"""Runs `rasa test nlu` on the frozen German and English test sets and checks intent macro-F1.

Reports go to reports/nlu-<language>/; the target is 0.95 per language (issue B17), the floor
below which `make test` fails is LOTSE_NLU_F1_FLOOR (default 0.90) so a regression is caught.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RASA = REPO / ".venv-rasa" / "bin" / "rasa"
LANGUAGES = ("de", "en")
TARGET = 0.95


def evaluate(language: str) -> dict:
    out = REPO / "reports" / f"nlu-{language}"
    subprocess.run(
        [
            str(RASA),
            "test",
            "nlu",
            "--quiet",
            "--model",
            str(REPO / "models" / "lotse.tar.gz"),
            "--nlu",
            str(REPO / "tests" / "nlu" / f"{language}.yml"),
            "--out",
            str(out),
        ],
        check=True,
        cwd=REPO,
    )
    return json.loads((out / "intent_report.json").read_text())


def weakest(report: dict, count: int = 5) -> list[tuple[str, float]]:
    intents = [
        (name, scores["f1-score"])
        for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and name not in ("macro avg", "weighted avg", "micro avg")
    ]
    return sorted(intents, key=lambda item: item[1])[:count]


def main() -> int:
    floor = float(os.environ.get("LOTSE_NLU_F1_FLOOR", "0.90"))
    failed = False
    for language in LANGUAGES:
        report = evaluate(language)
        macro = report["macro avg"]["f1-score"]
        support = report["macro avg"]["support"]
        print(
            f"NLU {language}: intent macro-F1 {macro:.3f} on {support} held-out messages (target {TARGET}, floor {floor})"
        )
        print("  weakest: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in weakest(report)))
        failed |= macro < floor
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
