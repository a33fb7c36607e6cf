"""`make facts-check`: list facts expiring within 60 days and unverified facts; fail on a stated fact
that expires within 14 days without a successor (yearly figures excepted: bot/knowledge/freshness.py).

Usage: python scripts/facts_check.py [--today YYYY-MM-DD]   (default: today in Europe/Berlin)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from bot.clock import today
from bot.knowledge import knowledge
from bot.knowledge.freshness import (
    FAIL_WITHIN_DAYS,
    LIST_WITHIN_DAYS,
    Expiry,
    FreshnessReport,
    freshness_report,
    project_texts,
    stated_fact_ids,
)


def _line(item: Expiry) -> str:
    kind = "yearly figure" if item.yearly else "fixed end date"
    use = "stated by the bot" if item.stated else "not stated"
    when = f"in {item.days_left} days" if item.days_left >= 0 else f"{-item.days_left} days ago"
    return f"  {item.fact_id}: valid until {item.valid_until.isoformat()} ({when}; {kind}; {use})"


def report_lines(report: FreshnessReport) -> list[str]:
    lines = [f"Facts check for {report.day.isoformat()}"]
    lines.append(f"Expiring within {LIST_WITHIN_DAYS} days, no successor period entered: {len(report.expiring)}")
    lines += [_line(item) for item in report.expiring]
    if any(item.yearly and item.stated for item in report.expiring):
        lines.append(
            "  -> yearly figures: enter next year's value once published (README, 'Entering next year's figures');"
            " until then the bot gives the last known value with its validity and refers to the Zentralstelle."
        )
    lines.append(f"Lapsed within the last year (the bot refers instead of stating them): {len(report.lapsed)}")
    lines += [_line(item) for item in report.lapsed]
    lines.append(f"Unverified (never stated; the bot refers to a contact): {len(report.unverified)}")
    lines += [f"  {fact.id}: refer to {fact.referral}" for fact in report.unverified]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="check as of this day (ISO date)")
    args = parser.parse_args(argv)
    kb = knowledge()
    report = freshness_report(kb, args.today or today(), stated_fact_ids(kb, project_texts()))
    print("\n".join(report_lines(report)))
    if report.blocking:
        names = ", ".join(item.fact_id for item in report.blocking)
        print(f"FAILED: stated facts expire within {FAIL_WITHIN_DAYS} days without a successor: {names}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
