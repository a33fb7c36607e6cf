"""The path-finder outcomes table (outcomes.yml) as Python, and the Rasa test stories made from it.

`python -m tests.pathfinder.outcomes` rewrites tests/stories/test_pathfinder_outcomes.yml;
tests/bot/test_pathfinder_outcome_stories.py fails when that file is older than the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from bot.pathfinder_dialogue import questions_needed

HERE = Path(__file__).resolve().parent
STORIES = HERE.parent / "stories" / "test_pathfinder_outcomes.yml"
LANGUAGES = ("de", "en")
TYPED_YES_NO = {"de": {"yes": "ja", "no": "nein"}, "en": {"yes": "yes", "no": "no"}}


@dataclass(frozen=True)
class Answer:
    slot: str
    text: str
    intent: str
    value: Any


@dataclass(frozen=True)
class Play:
    """One outcome played in one language."""

    name: str
    language: str
    start: str
    answers: tuple[Answer, ...]
    expect: tuple[str, ...]


def _answer(slot: str, spec: Any, language: str) -> Answer:
    if isinstance(spec, dict) and "choice" in spec:
        return Answer(slot, f'/inform{{"choice": "{spec["choice"]}"}}', "inform", spec["choice"])
    if isinstance(spec, dict):
        return Answer(slot, spec[language], "inform", spec["value"])
    return Answer(slot, TYPED_YES_NO[language][spec], "affirm" if spec == "yes" else "deny", spec)


def _in_asking_order(answers: list[Answer]) -> tuple[Answer, ...]:
    values = {answer.slot: answer.value for answer in answers}
    order = questions_needed(values)
    if sorted(order) != sorted(values):
        raise ValueError(f"the table answers {sorted(values)}, the dialogue asks {order}")
    return tuple(sorted(answers, key=lambda answer: order.index(answer.slot)))


def plays() -> Iterator[Play]:
    table = yaml.safe_load((HERE / "outcomes.yml").read_text(encoding="utf-8"))
    for number, outcome in enumerate(table["outcomes"]):
        for language in LANGUAGES:
            starts = table["starts"][language]
            answers = [_answer(slot, spec, language) for slot, spec in outcome["answers"].items()]
            yield Play(
                outcome["name"],
                language,
                starts[number % len(starts)],
                _in_asking_order(answers),
                tuple(outcome["expect"][language]),
            )


def _story(play: Play) -> dict:
    steps: list[dict] = [
        {"user": play.start, "intent": "start_pathfinder"},
        {"action": "pathfinder_form"},
        {"active_loop": "pathfinder_form"},
        {"slot_was_set": [{"requested_slot": play.answers[0].slot}]},
    ]
    for answer, following in zip(play.answers, [*play.answers[1:], None]):
        steps += [
            {"user": answer.text, "intent": answer.intent},
            {"action": "pathfinder_form"},
            {"slot_was_set": [{answer.slot: answer.value}]},
            {"slot_was_set": [{"requested_slot": following.slot if following else None}]},
        ]
    steps += [{"active_loop": None}, {"action": "action_pathfinder_result"}]
    return {"story": f"path finder ({play.language}): {play.name}", "steps": steps}


def stories_yaml() -> str:
    document = {"version": "3.1", "stories": [_story(play) for play in plays()]}
    header = "# Written by `python -m tests.pathfinder.outcomes` from tests/pathfinder/outcomes.yml: edit the table.\n"
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)


if __name__ == "__main__":
    STORIES.write_text(stories_yaml(), encoding="utf-8")
    print(f"wrote {STORIES.relative_to(Path.cwd()) if STORIES.is_relative_to(Path.cwd()) else STORIES}")
