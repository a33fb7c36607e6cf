"""How much memory does bot/language.py's language detection hold, and does a leaner design decide
anything differently? Compares bot/language.py as it is with the version of REFERENCE_COMMIT (two
lingua detectors in high-accuracy mode, preloaded) on every text corpus of the repository:
data/nlu, tests/nlu, the question banks, every string in tests/, and bench/language_samples.yml
(sentences in the eleven unsupported languages, short messages).

Prints, for each version, the RSS of a fresh Python process after detecting one message in each
script (the detectors built) and its peak after every corpus; then, per corpus, the number of
changed decisions: the conversation's language (a new conversation, a German one and an English
one) and the foreign-language flag with its language. Every change is listed.

Run: PYTHONPATH=$PWD .venv-rasa/bin/python bench/language_memory.py [--reference COMMIT]
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Iterator

import yaml

REPO = Path(__file__).resolve().parent.parent
REFERENCE_COMMIT = "912c6bd"  # two preloaded high-accuracy lingua detectors (13 and 2 languages)
SAMPLES = REPO / "bench" / "language_samples.yml"
# A first message, as a server gets it: the detectors it needs are built.
WARM_UP = "What does the Blue Card cost for a developer from India?"
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def _nlu_examples(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts = []
    for block in document.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                texts.append(_ANNOTATION.sub(lambda match: match.group(1) or match.group(2) or "", line[2:]))
    return texts


def _question_texts(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(question["text"]) for question in document.get("questions", []) if question.get("text")]


def _test_strings() -> list[str]:
    strings = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(r"[^\W\d_]", node.value):
                strings.append(node.value)
    return strings


def corpora() -> dict[str, list[str]]:
    samples = yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))
    found = {
        "data/nlu": [text for path in sorted((REPO / "data" / "nlu").glob("*.yml")) for text in _nlu_examples(path)],
        "tests/nlu": [text for path in sorted((REPO / "tests" / "nlu").glob("*.yml")) for text in _nlu_examples(path)],
        "tests/questions": [
            text for path in sorted((REPO / "tests" / "questions").glob("*/*.yml")) for text in _question_texts(path)
        ],
        "tests/**/*.py strings": _test_strings(),
        "samples: foreign": [text for texts in samples["foreign"].values() for text in texts],
        "samples: short": list(samples["short"]),
    }
    return {name: list(dict.fromkeys(texts)) for name, texts in found.items()}


def reference_module(commit: str) -> types.ModuleType:
    """bot/language.py of `commit`, reading the data files of today's bot/ (unchanged by the redesign)."""
    source = subprocess.run(
        ["git", "show", f"{commit}:bot/language.py"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("reference_language")
    module.__file__ = str(REPO / "bot" / "language.py")
    sys.modules[module.__name__] = module
    exec(compile(source, f"{commit}:bot/language.py", "exec"), module.__dict__)
    return module


def load(version: str) -> types.ModuleType:
    return importlib.import_module("bot.language") if version == "new" else reference_module(version)


def decisions(module: types.ModuleType, text: str) -> dict[str, Any]:
    detection = module.detect(text)
    conversations = {
        "new": module.LanguageState(current=None, last_channel_language=None),
        "de": module.LanguageState(current="de", last_channel_language=None),
        "en": module.LanguageState(current="en", last_channel_language=None),
    }
    return {
        "foreign": detection.foreign_language,
        **{
            f"language ({name})": module.choose_language(state, detection, None, None)
            for name, state in conversations.items()
        },
        "detection": [detection.language, round(detection.confidence, 6)],
    }


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    raise LookupError(field)


def measure(version: str) -> None:
    """Child process: RSS after the first message, RSS after each corpus (in the order of corpora(),
    the foreign sentences last), how many messages reached the wide detector, and every decision."""
    before = _status("VmRSS")
    module = load(version)
    module.detect(WARM_UP)
    getattr(module, "preload", lambda: None)()  # what a server builds before its first message
    built = _status("VmRSS")
    wide_calls = [0]
    wide_detector = module._wide_detector

    def counted() -> Any:
        wide_calls[0] += 1
        return wide_detector()

    setattr(module, "_wide_detector", counted)  # noqa: B010 (count the calls)
    results, rss, wide = {}, {}, {}
    for name, texts in corpora().items():
        wide_calls[0] = 0
        results[name] = [decisions(module, text) for text in texts]
        rss[name], wide[name] = _status("VmRSS"), wide_calls[0]
    print(
        json.dumps(
            {"before": before, "built": built, "peak": _status("VmHWM"), "rss": rss, "wide": wide, "results": results}
        )
    )


def run_child(version: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, __file__, "--child", version], cwd=REPO, capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        sys.exit(f"{version} failed:\n{run.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def changes(
    texts: list[str], old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> Iterator[tuple[str, str, Any, Any]]:
    for text, before, after in zip(texts, old, new):
        for key in before:
            if key != "detection" and before[key] != after[key]:
                yield text, key, before[key], after[key]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default=REFERENCE_COMMIT, help="commit whose bot/language.py is the old design")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        measure(arguments.child)
        return
    old, new = run_child(arguments.reference), run_child("new")
    print("RSS of a fresh Python process (MB)   before import  after a first message  peak after all corpora")
    for name, result in ((f"old ({arguments.reference})", old), ("new (working tree)", new)):
        print(f"  {name:<34} {result['before']:>13} {result['built']:>22} {result['peak']:>22}")
    print(f"  saved after a first message: {old['built'] - new['built']} MB, at peak: {old['peak'] - new['peak']} MB")
    print("\nRSS (MB) after each corpus in turn, and how many of its messages reached the wide detector:")
    for name in old["rss"]:
        print(
            f"  {name:<24} old {old['rss'][name]:>4} ({old['wide'][name]:>4})   new {new['rss'][name]:>4} ({new['wide'][name]:>4})"
        )
    print()
    total = 0
    print(
        f"{'corpus':<24} {'texts':>6} {'foreign (old)':>14} {'language changes':>17} {'foreign changes':>16} {'detections changed':>19}"
    )
    for name, texts in corpora().items():
        listed = list(changes(texts, old["results"][name], new["results"][name]))
        language = sum(1 for change in listed if change[1].startswith("language"))
        foreign = len(listed) - language
        flagged = sum(1 for result in old["results"][name] if result["foreign"])
        detections = sum(
            1 for a, b in zip(old["results"][name], new["results"][name]) if a["detection"] != b["detection"]
        )
        print(f"{name:<24} {len(texts):>6} {flagged:>14} {language:>17} {foreign:>16} {detections:>19}")
        for text, key, before, after in listed:
            print(f"    {key}: {before} -> {after}  {text!r}")
        total += len(listed)
    print(f"\nchanged decisions in all: {total}")


if __name__ == "__main__":
    main()
