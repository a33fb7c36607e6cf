"""The Insights page's charts: each one a picture (bars) and the table behind it, in the clerk's words,
counts under 5 written "< 5". The CSV export of a chart is its table."""

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from backend.domain.insights import CHANNELS, LANGUAGES, PERSONAS, RESULTS, is_small, shown_count
from backend.services.insights import Insights
from backend.web import charts
from backend.web.labels import NO_VALUE, Labels


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    note: str
    columns: list[str]
    rows: list[list[str]]  # the first cell of each row is its header
    bars: list[charts.Bar]  # vertical bars (weeks), or
    rows_drawn: list[charts.Row]  # horizontal bars (ranked lists)

    @property
    def empty(self) -> bool:
        return not self.rows


def _share(labels: Labels, part: int, whole: int) -> str:
    """A percentage, only where both counts are large enough to be shown."""
    if not whole or is_small(part) or is_small(whole):
        return shown_count(part) if is_small(part) else NO_VALUE
    return f"{labels.number(100 * part / whole)} %"


def _counted(label: str, count: int) -> tuple[str, float, str]:
    """A horizontal bar for a count: no length and "< 5" for a small one."""
    return label, 0 if is_small(count) else count, shown_count(count)


def _conversations(figures: Insights, labels: Labels) -> Chart:
    t = labels.t
    columns = [
        t("dashboard.week"),
        t("insights.conversations.total"),
        *(labels.insight_value("channel", channel) for channel in CHANNELS),
        *(labels.insight_value("language", language) for language in LANGUAGES),
        *(labels.insight_value("persona", persona) for persona in PERSONAS),
        t("insights.conversations.human"),
    ]
    keys = [
        "total",
        *(f"channel:{channel}" for channel in CHANNELS),
        *(f"language:{language}" for language in LANGUAGES),
        *(f"persona:{persona}" for persona in PERSONAS),
        "human",
    ]
    weeks = [(week, figures.conversations.get(week)) for week in figures.weeks]
    table = [[labels.week(week), *(shown_count(counts[key]) for key in keys)] for week, counts in weeks if counts]
    bars = charts.bars([(labels.week_short(week), counts["total"] if counts else 0) for week, counts in weeks], True)
    return Chart(
        "conversations", t("insights.conversations"), t("insights.conversations.note"), columns, table, bars, []
    )


def _channels(figures: Insights, labels: Labels) -> Chart:
    """The period's conversations by channel, language and role: who talks to Lotse where."""
    t = labels.t
    totals: Counter[str] = sum(figures.conversations.values(), Counter())
    groups = (("channel", CHANNELS), ("language", LANGUAGES), ("persona", PERSONAS))
    counted = [
        (labels.insight_value(field, code), totals[f"{field}:{code}"]) for field, codes in groups for code in codes
    ]
    table = [[label, shown_count(count)] for label, count in counted] if totals["total"] else []
    drawn = [_counted(label, count) for label, count in counted] if totals["total"] else []
    columns = [t("insights.channels.group"), t("insights.conversations.total")]
    return Chart(
        "channels", t("insights.channels"), t("insights.channels.note"), columns, table, [], charts.rows(drawn)
    )


def _topics(figures: Insights, labels: Labels) -> Chart:
    t = labels.t
    columns = [t("insights.topic"), t("insights.asked"), *(labels.insight_value("result", r) for r in RESULTS)]
    table = [
        [labels.topic(row.topic), shown_count(row.asked), *(shown_count(row.results[r]) for r in RESULTS)]
        for row in figures.topics
    ]
    drawn = [_counted(labels.topic(row.topic), row.asked) for row in figures.topics]
    return Chart("topics", t("insights.topics"), t("insights.topics.note"), columns, table, [], charts.rows(drawn))


def _funnel(figures: Insights, labels: Labels) -> Chart:
    t = labels.t
    started = figures.intakes_started
    steps = [
        (t("insights.funnel.started"), started, 0),
        *((labels.question(step.question), step.reached, step.abandoned) for step in figures.funnel),
        (t("insights.funnel.completed"), figures.intakes_completed, 0),
    ]
    columns = [
        t("insights.funnel.step"),
        t("insights.funnel.reached"),
        t("insights.funnel.share"),
        t("insights.funnel.abandoned"),
    ]
    table = (
        [
            [name, shown_count(reached), _share(labels, reached, started), shown_count(lost)]
            for name, reached, lost in steps
        ]
        if started
        else []
    )
    drawn = [
        (name, 0.0 if is_small(reached) else reached, _share(labels, reached, started)) for name, reached, _ in steps
    ]
    return Chart(
        "funnel",
        t("insights.funnel"),
        t("insights.funnel.note"),
        columns,
        table,
        [],
        charts.rows(drawn if started else []),
    )


def _outcomes(figures: Insights, labels: Labels) -> Chart:
    t = labels.t
    columns = [t("insights.outcome"), t("insights.count")]
    table = [[labels.route_outcome(code), shown_count(count)] for code, count in figures.outcomes]
    table += [
        [f"{labels.route_outcome('no_prospect')}: {labels.insight_reason(code)}", shown_count(count)]
        for code, count in figures.no_prospect_reasons
    ]
    drawn = [_counted(labels.route_outcome(code), count) for code, count in figures.outcomes]
    return Chart(
        "outcomes", t("insights.outcomes"), t("insights.outcomes.note"), columns, table, [], charts.rows(drawn)
    )


def _feedback(figures: Insights, labels: Labels) -> Chart:
    t = labels.t
    columns = [
        t("insights.topic"),
        t("insights.feedback.up"),
        t("insights.feedback.down"),
        t("insights.feedback.share"),
    ]
    table: list[list[str]] = []
    drawn: list[tuple[str, float, str]] = []
    for row in figures.feedback:
        votes = row.up + row.down
        share = _share(labels, row.up, votes) if not is_small(votes) else shown_count(votes)
        table.append([labels.topic(row.topic), shown_count(row.up), shown_count(row.down), share])
        drawn.append((labels.topic(row.topic), 0 if is_small(votes) else 100 * row.up / votes, share))
    return Chart(
        "feedback", t("insights.feedback"), t("insights.feedback.note"), columns, table, [], charts.rows(drawn, 100)
    )


def _gaps(figures: Insights, labels: Labels) -> Chart:
    t = labels.t
    columns = [t("insights.gaps.example"), t("insights.count")]
    table = [[group.example, shown_count(group.count)] for group in figures.gaps]
    drawn = [_counted(group.example, group.count) for group in figures.gaps]
    note = t("insights.gaps.note", total=shown_count(figures.unanswered_total))
    return Chart("gaps", t("insights.gaps"), note, columns, table, [], charts.rows(drawn))


def _missing(figures: Insights, labels: Labels) -> Chart:
    t = labels.t
    columns = [t("insights.missing.example"), t("insights.count")]
    table = [[group.example, shown_count(group.count)] for group in figures.missing]
    drawn = [_counted(group.example, group.count) for group in figures.missing]
    return Chart("missing", t("insights.missing"), t("insights.missing.note"), columns, table, [], charts.rows(drawn))


BUILDERS: dict[str, Callable[[Insights, Labels], Chart]] = {
    "conversations": _conversations,
    "channels": _channels,
    "topics": _topics,
    "funnel": _funnel,
    "outcomes": _outcomes,
    "feedback": _feedback,
    "gaps": _gaps,
    "missing": _missing,
}


def all_charts(figures: Insights, labels: Labels) -> list[Chart]:
    return [build(figures, labels) for build in BUILDERS.values()]


def _no_formula(cell: str) -> str:
    """Quoted questions are the public's words: a spreadsheet must not run one as a formula."""
    return f"'{cell}" if cell[:1] in FORMULA_STARTS else cell


def as_csv(chart: Chart) -> str:
    """The chart's table as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read umlauts)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(chart.columns)
    writer.writerows([[_no_formula(cell) for cell in row] for row in chart.rows])
    return "\ufeff" + out.getvalue()
