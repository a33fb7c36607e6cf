"""The answer-level evaluation's judging, figures and gate (the stack run itself is scripts/answer_evaluation.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from answer_evaluation import MIN_SHARE_RIGHT, MIN_TYPO_RATIO, Outcome, gate, judge, summary
from question_bank import Question, compile_oracle

from bot.texts import text as message_text


def question(language: str = "en", in_scope: bool = True) -> Question:
    oracle = {"all": ["{fact:fee_accelerated_procedure}"]}
    return Question(
        id=f"{language}-fee-01",
        text="What does the fast-track cost?",
        source="test",
        persona="test",
        category="fee_procedure",
        in_scope=in_scope,
        language=language,
        oracle=oracle,
        compiled=compile_oracle(oracle),
    )


def outcome(language: str, variant: str, right: bool, category: str = "fee_procedure") -> Outcome:
    return Outcome(
        id="x", language=language, category=category, in_scope=True, variant=variant, text="", reply="",
        right=right, failed=[], fallback=None, reply_language=language, wrong_language=False,
    )  # fmt: skip


def test_a_right_reply_in_the_users_language_passes() -> None:
    judged = judge(question(), "clean", "q", "The fee for the accelerated procedure is €411 per skilled worker.")
    assert judged.right and not judged.wrong_language and judged.fallback is None


def test_a_right_figure_in_the_wrong_language_is_wrong_and_counted_as_wrong_language() -> None:
    reply = "Die Gebühr für das beschleunigte Fachkräfteverfahren beträgt 411 € pro Fachkraft."
    judged = judge(question("en"), "clean", "q", reply)
    assert judged.wrong_language and judged.reply_language == "de" and not judged.right


def test_the_clarifying_fallback_is_wrong_and_counted_as_fallback() -> None:
    judged = judge(question(), "clean", "q", message_text("clarify", "en"))
    assert not judged.right and judged.fallback == "clarify"


def test_no_reply_is_wrong() -> None:
    assert judge(question(), "clean", "q", "").failed == ["no reply"]


def test_the_gate_fails_below_the_share_right_and_below_the_typo_ratio() -> None:
    def run(clean_right: int, typo_right: int) -> list[str]:
        outcomes = [outcome("en", "clean", i < clean_right) for i in range(100)]
        outcomes += [outcome("en", "typos", i < typo_right) for i in range(100)]
        return gate(summary(outcomes))

    passing = round(MIN_SHARE_RIGHT * 100) + 5
    assert run(passing, passing) == []
    assert run(round(MIN_SHARE_RIGHT * 100) - 5, 100)
    assert run(passing, int(MIN_TYPO_RATIO * passing) - 2)


def test_figures_per_category_and_language() -> None:
    outcomes = [outcome("de", "clean", True, "costs"), outcome("de", "clean", False, "age_rule")]
    figures = summary(outcomes)["clean"]["de"]
    assert figures["all"]["right"] == 0.5
    assert figures["categories"]["costs"]["right"] == 1.0 and figures["categories"]["age_rule"]["right"] == 0.0
