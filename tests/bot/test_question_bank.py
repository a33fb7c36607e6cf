"""The question bank (tests/questions/): its schema, its split rule, its oracles, and that no held-out
question leaks into the training data."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from question_bank import (
    EVALUATION_DAY,
    FIELDS,
    LANGUAGES,
    NEAR_COPY_THRESHOLD,
    PLACEHOLDER,
    SPLIT_BLOCK,
    SPLITS,
    BankError,
    assign_splits,
    comparable_parts,
    compile_oracle,
    fact_pattern,
    fallback_kind,
    load_raw,
    near_copies,
    frame,
    perturb,
    training_examples,
)

from bot.answers import render
from bot.answers.formatting import format_value
from bot.knowledge import knowledge
from bot.texts import text as message_text

MIN_QUESTIONS_PER_LANGUAGE = 300
MIN_HELD_OUT_SHARE = 1 / 3


def bank(language: str) -> dict[str, list[dict]]:
    return {split: load_raw(split, language) for split in SPLITS}


def every_question() -> list[dict]:
    return [q for language in LANGUAGES for split in SPLITS for q in load_raw(split, language)]


def placeholders(oracle: dict) -> list[tuple[str, str]]:
    patterns = [p for key in ("all", "any", "none") for item in oracle.get(key) or [] for p in _flat(item)]
    return [match.groups() for pattern in patterns for match in PLACEHOLDER.finditer(pattern)]


def _flat(item: str | list[str]) -> list[str]:
    return item if isinstance(item, list) else [item]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_has_the_fields_and_its_language(language: str) -> None:
    for questions in bank(language).values():
        for question in questions:
            assert set(question) == set(FIELDS), question.get("id")
            assert question["language"] == language, question["id"]
            assert isinstance(question["in_scope"], bool), question["id"]
            for name in ("id", "text", "source", "persona", "category"):
                assert isinstance(question[name], str) and question[name].strip(), (question["id"], name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_enough_questions_and_a_large_enough_held_out_share(language: str) -> None:
    splits = bank(language)
    total = sum(len(questions) for questions in splits.values())
    assert total >= MIN_QUESTIONS_PER_LANGUAGE
    assert len(splits["heldout"]) / total >= MIN_HELD_OUT_SHARE


def test_ids_are_unique_and_texts_are_not_repeated() -> None:
    questions = every_question()
    ids = Counter(q["id"] for q in questions)
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(q["text"] for q in questions)
    assert [t for t, n in texts.items() if n > 1] == []


def test_every_question_is_in_the_split_the_rule_gives_it() -> None:
    questions = every_question()
    rule = assign_splits(questions)
    for language in LANGUAGES:
        for split, chosen in bank(language).items():
            misplaced = [q["id"] for q in chosen if rule[q["id"]] != split]
            assert misplaced == [], f"{split}/{language}.yml holds questions the split rule puts elsewhere"


def test_adding_questions_never_moves_a_placed_question() -> None:
    """A batch of new questions in the next free block of ids is split among itself: no placed question moves."""
    questions = every_question()
    before = assign_splits(questions)
    last = max(int(q["id"].rsplit("-", 1)[1]) for q in questions)
    first_free = ((last - 1) // SPLIT_BLOCK + 1) * SPLIT_BLOCK
    extra = [
        {"id": f"{language}-{category}-{first_free + n}", "language": language, "category": category}
        for language in LANGUAGES
        for category in {q["category"] for q in questions}
        for n in range(1, 8)
    ]
    after = assign_splits([*questions, *extra])
    assert {i: after[i] for i in before} == before
    new_held = [i for i in after if i not in before and after[i] == "heldout"]
    assert len(new_held) / len(extra) >= MIN_HELD_OUT_SHARE


def test_every_category_is_in_both_splits_and_both_languages() -> None:
    seen = {
        (q["category"], q["language"], split)
        for language in LANGUAGES
        for split, qs in bank(language).items()
        for q in qs
    }
    categories = {c for c, _, _ in seen}
    assert {(c, lang, s) for c in categories for lang in LANGUAGES for s in SPLITS} <= seen


def test_out_of_scope_questions_are_marked_and_present_in_both_languages() -> None:
    for language in LANGUAGES:
        assert any(not q["in_scope"] for split in SPLITS for q in load_raw(split, language))


def test_every_oracle_compiles_and_its_placeholders_resolve_on_the_evaluation_day() -> None:
    for question in every_question():
        compile_oracle(question["oracle"], EVALUATION_DAY)  # raises on an unknown fact/pattern or a bad regex


def test_facts_in_oracles_match_the_bots_own_formatting_in_both_languages() -> None:
    """A right reply writes figures as bot/answers/formatting.py does; the oracle must accept that."""
    fact_ids = {name for q in every_question() for kind, name in placeholders(q["oracle"]) if kind == "fact"}
    assert fact_ids
    for fact_id in sorted(fact_ids):
        lookup = knowledge().value_on(fact_id, EVALUATION_DAY)
        for language in LANGUAGES:
            written = format_value(lookup.value, lookup.fact.unit, language)
            assert re.search(fact_pattern(fact_id), written, re.IGNORECASE), (fact_id, language, written)


def test_a_fact_pattern_does_not_match_a_longer_number() -> None:
    pattern = fact_pattern("fee_accelerated_procedure")
    assert re.search(pattern, "Die Gebühr beträgt 411 €.")
    assert re.search(pattern, "The fee is €411.00.")
    assert not re.search(pattern, "4110 €") and not re.search(pattern, "1.411 €")


def test_an_unverified_or_unknown_fact_cannot_be_required() -> None:
    with pytest.raises(BankError):
        compile_oracle({"all": ["{fact:fee_recognition_ihk_hannover}"]})  # verified: false -> a referral
    with pytest.raises(BankError):
        compile_oracle({"all": ["{fact:no_such_fact}"]})
    with pytest.raises(BankError):
        compile_oracle({"all": ["{pat:no_such_pattern}"]})


def test_an_oracle_fails_the_clarifying_fallback_and_missing_or_forbidden_patterns() -> None:
    oracle = compile_oracle({"all": ["{fact:fee_accelerated_procedure}"], "none": ["75 €"]})
    assert oracle.failures("Die Gebühr beträgt 411 €.") == []
    assert oracle.failures("Die Gebühr beträgt 75 €.")  # figure missing and a forbidden one present
    clarify = message_text("clarify", "en")
    assert "forbidden: the clarifying fallback" in oracle.failures(f"{clarify} (411 €)")


def test_the_standard_contacts_of_a_referral_block_name_no_authority_but_count_as_a_referral() -> None:
    # fee_translation cites an unverified figure, so its answer ends with the standard contacts list
    reply = render("fee_translation", "en", EVALUATION_DAY).text
    assert "IHK Hannover" in reply and "Zentralstelle" in reply
    assert compile_oracle({"all": ["{pat:ihk}"]}).failures(reply)
    assert compile_oracle({"all": ["{pat:zentralstelle}|{pat:welcome_center}"]}).failures(reply)
    assert compile_oracle({"all": ["translat", "{pat:referral}"]}).failures(reply) == []
    # the same names in the answer itself count
    answered = render("responsibility", "en", EVALUATION_DAY).text
    assert compile_oracle({"all": ["{pat:zentralstelle}", "{pat:ihk}"]}).failures(answered) == []


def test_fallbacks_are_recognised_in_both_languages() -> None:
    for language in LANGUAGES:
        assert fallback_kind(message_text("clarify", language)) == "clarify"
    assert fallback_kind("Die Gebühr beträgt 411 €.") is None


def test_the_typo_copy_is_deterministic_and_keeps_figures() -> None:
    text = "Wir zahlen 3.600 € im Monat. Reicht das für die Blaue Karte? Größe: 45 Jahre, § 18g"
    once, again = perturb(text, "x"), perturb(text, "x")
    assert once == again and once != text.lower()
    assert once == once.lower() and not re.search("[äöüß]", once)
    for kept in ("3.600", "€", "45", "§", "18g"):
        assert kept in once


def test_the_forum_frame_keeps_the_question_whole_and_adds_no_fact() -> None:
    text = "Wie viel kostet das beschleunigte Verfahren?"
    framed = {frame(text, f"de-costs-{n:02}", "de") for n in range(40)}
    assert all(text in post and not post.startswith(text) and not post.endswith(text) for post in framed)
    assert len(framed) > 4 and frame(text, "k", "de") == frame(text, "k", "de")
    assert not any(re.search(r"\d", post.replace(text, "")) for post in framed)


# ---------------------------------------------------------------- held-out questions never in the training data


def held_out() -> list[dict]:
    return [q for language in LANGUAGES for q in load_raw("heldout", language)]


def test_no_held_out_question_or_near_copy_is_a_training_example() -> None:
    leaks = near_copies(held_out(), training_examples())
    assert leaks == [], "held-out questions copied into data/nlu (remove them there): " + repr(leaks[:5])


def lightly_edited(sentence: str, key: str) -> list[str]:
    """A copy with typos, and a copy with one word replaced, as someone pasting and tidying it would make."""
    words = sentence.split()
    replaced = words[:]
    replaced[len(words) // 2] = "etwas" if words[len(words) // 2] != "etwas" else "anything"
    return [perturb(sentence, key), " ".join(replaced)]


def test_the_leak_check_catches_a_lightly_edited_copy_of_a_question_or_one_of_its_sentences() -> None:
    """Threshold 88 (rapidfuzz ratio, normalised text): one replaced word in a 10-word sentence or a few
    typos score about 90-97, while the real training data stays below 85 against every held-out question
    (ordinary shared phrasing like "wie lange dauert das beschleunigte Verfahren" scores about 80)."""
    samples = []
    for question in held_out():
        long_sentences = [p for p in comparable_parts(question["text"])[1:] if len(p.split()) >= 10]
        if long_sentences:
            samples.append((question, long_sentences[0]))
    assert len(samples) >= 20
    for question, sentence in samples[:20]:
        for copy in [question["text"], *lightly_edited(sentence, question["id"])]:
            found = near_copies([question], ["- a real example", copy])
            assert found, (question["id"], copy)
            assert all(score >= NEAR_COPY_THRESHOLD for _, _, score in found)


def test_the_leak_check_ignores_short_generic_phrases() -> None:
    question = {
        "id": "q",
        "text": "We run a bakery in Springe. How much does the accelerated procedure cost for a baker?",
    }
    assert near_copies([question], ["how much does it cost", "what does the procedure cost"]) == []


# ---------------------------------------------------------------- training examples taken from public pages

NLU_SOURCES = Path(__file__).resolve().parents[2] / "docs" / "nlu_sources.tsv"


def nlu_sources() -> list[list[str]]:
    lines = NLU_SOURCES.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def same_page(url: str) -> str:
    """'https://www.example.de/faq/' and 'http://example.de/faq' are one page."""
    return re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/").lower()


def test_every_listed_real_phrasing_example_is_in_the_training_data_with_a_source() -> None:
    examples = set(training_examples())
    rows = nlu_sources()
    assert len(rows) >= 200
    for row in rows:
        assert len(row) == 3 and row[2].startswith("http"), row
        plain = re.sub(r"\[([^\]]*)\]\{[^}]*\}|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or m.group(2), row[1])
        assert plain.strip() in examples, row[1]


def test_no_training_source_is_a_page_the_question_bank_cites() -> None:
    cited = {same_page(q["source"]) for q in every_question()}
    shared = [row[2] for row in nlu_sources() if same_page(row[2]) in cited]
    assert shared == []
