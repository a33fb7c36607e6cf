"""The held-out NLU test sets are real tests: large enough, covering every intent, never training data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ANNOTATION = re.compile(r"\[([^\]]+)\][({][^)}]*[)}]")
MIN_MESSAGES = 150
MIN_PER_INTENT = 4


def examples(path: Path) -> list[tuple[str, str]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for item in document["nlu"]:
        for line in (item.get("examples") or "").splitlines():
            text = ANNOTATION.sub(r"\1", line.strip()[2:].strip())
            found.append((item["intent"], " ".join(text.lower().split())))
    return found


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_test_message_is_a_training_example(language: str) -> None:
    training = {text for _, text in examples(REPO / "data" / "nlu" / f"{language}.yml")}
    copied = [text for _, text in examples(REPO / "tests" / "nlu" / f"{language}.yml") if text in training]
    assert copied == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_test_sets_are_large_and_cover_every_intent(language: str) -> None:
    tests = examples(REPO / "tests" / "nlu" / f"{language}.yml")
    intents = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))["intents"]
    assert len(tests) >= MIN_MESSAGES
    for intent in (name for name in intents if not name.startswith("EXTERNAL_")):  # triggered, never typed
        assert sum(1 for name, _ in tests if name == intent) >= MIN_PER_INTENT, intent
