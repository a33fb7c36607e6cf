from tests.pathfinder.outcomes import STORIES, plays, stories_yaml


def test_the_outcome_stories_are_written_from_the_current_table() -> None:
    assert STORIES.read_text(encoding="utf-8") == stories_yaml(), "run: python -m tests.pathfinder.outcomes"


def test_every_outcome_is_played_in_both_languages() -> None:
    languages: dict[str, set[str]] = {}
    for play in plays():
        languages.setdefault(play.name, set()).add(play.language)
    assert len(languages) >= 16
    assert all(played == {"de", "en"} for played in languages.values())
