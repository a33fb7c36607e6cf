"""Bar charts as plain geometry for inline SVG (rendered by the template, no JavaScript)."""

from collections.abc import Sequence
from dataclasses import dataclass

from backend.domain.insights import is_small, shown_count

WIDTH = 640
BAR_AREA_HEIGHT = 200
TOP = 20
LEFT = 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    shown: str  # the value as written on the bar: "< 5" for small counts where they are hidden


def bars(data: list[tuple[str, int]], hide_small: bool = False) -> list[Bar]:
    """One bar per (label, value); with `hide_small`, counts 1–4 get no height and read "< 5"."""
    if not data:
        return []
    highest = max(value for _, value in data) or 1
    slot = (WIDTH - LEFT) / len(data)
    width = min(slot * 0.7, 60)
    result = []
    for index, (label, value) in enumerate(data):
        hidden = hide_small and is_small(value)
        height = 0 if hidden else BAR_AREA_HEIGHT * value / highest
        x = LEFT + index * slot + (slot - width) / 2
        result.append(
            Bar(
                label,
                value,
                round(x, 1),
                round(TOP + BAR_AREA_HEIGHT - height, 1),
                round(width, 1),
                round(height, 1),
                shown_count(value) if hide_small else str(value),
            )
        )
    return result


# Horizontal bars for ranked lists (topics, intake questions, outcomes): the label left of its bar.
ROW_HEIGHT = 26
LABEL_WIDTH = 300
VALUE_SPACE = 90


@dataclass(frozen=True)
class Row:
    label: str
    shown: str
    y: float
    width: float


def rows(data: Sequence[tuple[str, float, str]], highest: float | None = None) -> list[Row]:
    """One row per (label, length, text written after the bar); lengths scaled to `highest`."""
    top = highest or max((length for _, length, _ in data), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_SPACE
    return [
        Row(label, shown, TOP + index * ROW_HEIGHT, round(room * max(length, 0) / top, 1))
        for index, (label, length, shown) in enumerate(data)
    ]


def rows_height(chart_rows: list[Row]) -> int:
    return TOP + len(chart_rows) * ROW_HEIGHT + 10
