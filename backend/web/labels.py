"""Every value of a ticket in the clerk's words: the one place that maps codes to labels.

Sources: the UI texts (`i18n/*.json`, keys `value.*`, `status.*`, `state.*`, `reason.*`, …), the
bot's knowledge files read as data (`backend.services.bot_knowledge`: checklist items, municipality
and organisation names) and CLDR through Babel (country and language names, dates, amounts).
Used by the staff pages, the print view and the forwarding package's PDF.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from backend.domain.case_values import NoProspectReason
from backend.domain.organisations import ORGANISATIONS
from backend.services import bot_knowledge
from backend.web.i18n import texts, translator

CLERK_TIME_ZONE = ZoneInfo("Europe/Berlin")  # IHK and HWK Hannover
LOCALES = {"de": "de_DE", "en": "en_GB"}
NO_VALUE = "–"

# How each field of the ticket's case (backend.schemas.Case, nested fields as "parent.field") is shown.
TEXT, CODE, MUNICIPALITY, COUNTRY, DATE, AMOUNT, YES_NO, COUNT, LANGUAGE, NESTED = (
    "text",
    "code",
    "municipality",
    "country",
    "date",
    "amount",
    "yes_no",
    "count",
    "language",
    "nested",
)
CASE_FIELDS: dict[str, str] = {
    "company_name": TEXT,
    "business_type": CODE,
    "workplace_municipality": MUNICIPALITY,
    "workplace_postcode": TEXT,
    "residence_municipality": MUNICIPALITY,
    "contact_name": TEXT,
    "contact_email": TEXT,
    "contact_phone": TEXT,
    "occupation": TEXT,
    "qualification": NESTED,
    "qualification.type": CODE,
    "qualification.country": COUNTRY,
    "qualification.recognition_status": CODE,
    "nationality": COUNTRY,
    "country_of_residence": COUNTRY,
    "start_date": DATE,
    "salary_annual_eur": AMOUNT,
    "collective_agreement": YES_NO,
    "age_band": CODE,
    "family_members": COUNT,
    "contact_language": LANGUAGE,
}
NO_PROSPECT_REASONS = tuple(reason.value for reason in NoProspectReason)


class Labels:
    """The labels of one staff UI language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.t = translator(language)
        self._texts = texts(language)
        self._locale = Locale.parse(LOCALES[language])
        self._knowledge = bot_knowledge.knowledge()

    def has(self, key: str) -> bool:
        return key in self._texts

    def _keyed(self, prefix: str, code: object) -> str:
        key = f"{prefix}.{code}"
        return self._texts[key] if key in self._texts else str(code)

    # ------------------------------------------------------------ single values

    def code(self, field: str, value: object) -> str:
        """A coded case value, e.g. code("business_type", "craft") -> "Handwerk"."""
        return self._keyed(f"value.{field}", value.value if isinstance(value, Enum) else value)

    def status(self, code: str) -> str:
        return self._keyed("status", code)

    def state(self, code: str) -> str:
        return self._keyed("state", code)

    def outcome(self, code: str) -> str:
        return self._keyed("outcome", code)

    def delivery(self, code: str) -> str:
        return self._keyed("delivery", code)

    def reason(self, text: str) -> str:
        """A no-prospect reason: a path-finder rule by its label, a clerk's own words as written."""
        return self._keyed("reason", text) if text in NO_PROSPECT_REASONS else text

    def country(self, code: str) -> str:
        return str(self._locale.territories.get(code, code))

    def language_name(self, code: str) -> str:
        return str(self._locale.languages.get(code, code))

    def municipality(self, code: str) -> str:
        return self._knowledge.municipalities.get(code, code)

    def organisation(self, org_id: str | None, fallback: str | None = None) -> str:
        names = self._knowledge.organisations.get(org_id or "", {})
        known = ORGANISATIONS.get(org_id or "")
        return names.get(self.language) or fallback or (known.name if known else (org_id or NO_VALUE))

    def referral(self, code: str) -> str:
        """Whom an unverified fact refers the user to: an organisation, or a role such as the office after entry."""
        key = f"value.referral.{code}"
        return self._texts[key] if key in self._texts else self.organisation(code)

    def item(self, code: str) -> str:
        entry = self._knowledge.checklist.get(code)
        return entry.name.get(self.language, code) if entry else code

    def item_hint(self, code: str) -> str:
        entry = self._knowledge.checklist.get(code)
        return entry.hint.get(self.language, "") if entry else ""

    def yes_no(self, value: bool) -> str:
        return self.t("value.bool.true" if value else "value.bool.false")

    def amount(self, euros: float) -> str:
        pattern = self._locale.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(euros, "EUR", format=pattern, locale=self._locale, currency_digits=False)

    def number(self, value: float, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self._locale)

    def day(self, value: date | str) -> str:
        day = date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, "medium", locale=self._locale)

    def moment(self, value: datetime | None) -> str:
        """A point in time in Hannover's local time, with its zone (MEZ/MESZ, CET/CEST)."""
        if value is None:
            return NO_VALUE
        local = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(CLERK_TIME_ZONE)
        clock = format_time(local, "HH:mm z", tzinfo=CLERK_TIME_ZONE, locale=self._locale)
        return f"{format_date(local.date(), 'medium', locale=self._locale)}, {clock}"

    def week(self, iso_week: str) -> str:
        """ "2026-W48" -> "KW 48/2026" / "Week 48 of 2026"."""
        year, _, week = iso_week.partition("-W")
        return self.t("value.week", week=int(week), year=year) if week.isdigit() else iso_week

    # ------------------------------------------------------------ conversation insights

    def topic(self, code: str | None) -> str:
        """A question topic (the bot's intent without "ask_"); one without a label in the clerk's words."""
        if code is None:
            return self.t("insights.topic.none")
        return self._keyed("topic", code) if self.has(f"topic.{code}") else _readable(code)

    def question(self, slot: str) -> str:
        """An intake question by the case field it asks for."""
        for key in (f"question.{slot}", f"case.{slot}"):
            if self.has(key):
                return self._texts[key]
        return _readable(slot)

    def route_outcome(self, code: str) -> str:
        """A path-finder outcome: the residence title's name, or "no prospect"."""
        names = self._knowledge.route_titles.get(code, {})
        if code == "no_prospect" or not names:
            return self._keyed("insights.outcome", code) if self.has(f"insights.outcome.{code}") else _readable(code)
        return names.get(self.language) or next(iter(names.values()))

    def insight_reason(self, code: str) -> str:
        return self.reason(code) if code in NO_PROSPECT_REASONS else _readable(code)

    def insight_value(self, field: str, code: str) -> str:
        """Channel, language, persona or answer result of a conversation fact."""
        return self._keyed(f"insights.{field}", code)

    def week_short(self, iso_week: str) -> str:
        """ "2026-W48" -> "KW 48" / "Wk 48": a chart's axis, where the page names the period."""
        _, _, week = iso_week.partition("-W")
        return self.t("value.week_short", week=int(week)) if week.isdigit() else iso_week

    def actor(self, actor: str) -> str:
        return self._keyed("actor", actor) if actor.startswith("system:") else actor

    # ------------------------------------------------------------ the case

    def case_value(self, field: str, value: Any) -> str:
        kind = CASE_FIELDS.get(field, TEXT)
        formats: dict[str, Callable[[Any], str]] = {
            CODE: lambda code: self.code(field, code),
            MUNICIPALITY: self.municipality,
            COUNTRY: self.country,
            DATE: self.day,
            AMOUNT: self.amount,
            YES_NO: self.yes_no,
            COUNT: self.number,
            LANGUAGE: self.language_name,
        }
        if value is None:
            return NO_VALUE
        return formats[kind](value) if kind in formats else str(value)

    def case_rows(self, case: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, value) per case field, nested ones flattened, in the order of the schema."""
        rows = []
        order = {field: index for index, field in enumerate(CASE_FIELDS)}
        for field, value in sorted(case.items(), key=lambda pair: order.get(pair[0], len(order))):
            if isinstance(value, dict):
                rows += [
                    (self.t(f"case.{field}.{inner}"), self.case_value(f"{field}.{inner}", v))
                    for inner, v in value.items()
                ]
            else:
                rows.append((self.t(f"case.{field}"), self.case_value(field, value)))
        return rows

    def reasons(self, reasons: Iterable[str]) -> str:
        return "; ".join(self.reason(reason) for reason in reasons) or NO_VALUE

    # ------------------------------------------------------------ the audit trail

    def audit_lines(self, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
        """One sentence per changed field: "Status: Eingegangen → In Vorprüfung"."""
        before, after = before or {}, after or {}
        if "item" in before or "item" in after:
            item = after.get("item") or before.get("item")
            change = self._change(before.get("state"), after.get("state"), self.state)
            return [self.t("audit.line.checklist_item", item=self.item(str(item)), change=change)]
        lines = []
        for key in dict.fromkeys([*before, *after]):
            formatter = self._audit_formatter(key)
            if formatter is None or (before.get(key) is None and after.get(key) is None):
                continue
            none = self.t("ticket.unassigned") if key == "assignee" else NO_VALUE
            change = self._change(before.get(key), after.get(key), formatter, key in before, none)
            lines.append(f"{self.t('audit.field.' + key)}: {change}")
        return lines

    @staticmethod
    def _change(old: Any, new: Any, show: Callable[[Any], str], had_before: bool = True, none: str = NO_VALUE) -> str:
        def shown(value: Any) -> str:
            return none if value is None else show(value)

        return shown(new) if not had_before or old == new else f"{shown(old)} → {shown(new)}"

    def _audit_formatter(self, key: str) -> Callable[[Any], str] | None:
        formatters: dict[str, Callable[[Any], str] | None] = {
            "status": self.status,
            "outcome": self.outcome,
            "reason": str,  # entries written before reasons moved to the comments
            "reason_comment_id": None,  # the reason is a comment in the list above
            "own_reasons": self.number,
            "pre_check_org": self.organisation,
            "assignee": str,
            "checklist": self._checklist_summary,
            "flag": self.yes_no,
            "reasons": self.reasons,
            "candidate_link": lambda state: self.code("candidate_link", state),
            "package_sha256": self._short_hash,
            "pdf_sha256": self._short_hash,
            "attempts": self.number,
            "target": lambda target: self.code("delivery_target", target),
            "error": str,
            "kind": lambda kind: self.code("removal_kind", kind),
            "case_fields_removed": lambda fields: ", ".join(self.t(f"case.{field}") for field in fields) or NO_VALUE,
            "comments_blanked": self.number,
            "comment_id": None,  # the action's title says it; the comment is in the list above
        }
        return formatters.get(key, lambda value: json.dumps(value, ensure_ascii=False))

    def _checklist_summary(self, items: dict[str, str]) -> str:
        counts = Counter(items.values())
        return ", ".join(f"{count} × {self.state(state)}" for state, count in counts.items()) or NO_VALUE

    @staticmethod
    def _short_hash(value: str) -> str:
        return f"{value[:12]}…"


def _readable(code: str) -> str:
    """A code no label exists for yet, written as words ("fee_procedure" -> "Fee procedure")."""
    words = code.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else NO_VALUE


def labels_for(language: str) -> Labels:
    return Labels(language)
