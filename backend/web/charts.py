"""Bar charts as plain geometry for inline SVG (rendered by the template, no JavaScript)."""

from dataclasses import dataclass

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


def bars(data: list[tuple[str, int]]) -> list[Bar]:
    if not data:
        return []
    highest = max(value for _, value in data) or 1
    slot = (WIDTH - LEFT) / len(data)
    width = min(slot * 0.7, 60)
    result = []
    for index, (label, value) in enumerate(data):
        height = BAR_AREA_HEIGHT * value / highest
        x = LEFT + index * slot + (slot - width) / 2
        result.append(
            Bar(label, value, round(x, 1), round(TOP + BAR_AREA_HEIGHT - height, 1), round(width, 1), round(height, 1))
        )
    return result
