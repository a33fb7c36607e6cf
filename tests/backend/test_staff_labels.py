"""Issue 19: the staff pages, the print view and the case package's PDF in the clerk's words.

Codes are derived from the ticket schema, the backend's enums and the bot's own files (read as
data or parsed, never run), so a code added on either side without a label fails here."""

import ast
import html
import io
import re
import types
import typing
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

import httpx
import pytest
import yaml
from backend_harness import Api
from pydantic import BaseModel
from pypdf import PdfReader
from sanic import Sanic
from staff_ui import log_in, page_csrf, user_with_password

from backend.domain.case_values import NoProspectReason, QualificationType, RecognitionStatus
from backend.domain.checklist import ItemState
from backend.domain.organisations import ORGANISATIONS
from backend.domain.permissions import Role
from backend.domain.statuses import Outcome, Status
from backend.schemas import Case
from backend.services import bot_knowledge
from backend.services.delivery_queue import DeliveryState
from backend.services.retention import RemovalKind
from backend.web.i18n import LANGUAGES
from backend.web.labels import CASE_FIELDS, CODE, NESTED, Labels

REPO = Path(__file__).resolve().parents[2]
BOT = REPO / "bot"
REFERENCE = "LT-2026-W0RDS1"
WINTER = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

# What a clerk must never see: snake_case codes, a lone ISO code, Python literals and reprs.
SNAKE_CASE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
PYTHON_LITERAL = re.compile(r"\b(?:True|False|None)\b|\{'|': ")
LONE_CODE = re.compile(r"^[A-Z]{2}$")


def code_patterns(page: str) -> list[str]:
    """The code-like pieces of what a browser shows (closed <details> and markup left out)."""
    shown = re.sub(r"<details>.*?</details>", "", page, flags=re.DOTALL)
    shown = re.sub(r"<(script|style|title)\b.*?</\1>", "", shown, flags=re.DOTALL)
    pieces = [html.unescape(piece).strip() for piece in re.split(r"<[^>]+>", shown)]
    found = [piece for piece in pieces if LONE_CODE.match(piece)]
    for piece in pieces:
        found += SNAKE_CASE.findall(piece) + PYTHON_LITERAL.findall(piece)
    return found


# ---------------------------------------------------------------- every code has its labels


def _schema_fields(model: type[BaseModel], prefix: str = "") -> dict[str, object]:
    fields: dict[str, object] = {}
    for name, info in model.model_fields.items():
        fields[prefix + name] = info.annotation
        for inner in typing.get_args(info.annotation) or (info.annotation,):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                fields |= _schema_fields(inner, f"{prefix}{name}.")
    return fields


def _codes(annotation: object) -> list[str]:
    codes: list[str] = []
    for inner in typing.get_args(annotation) or (annotation,):
        if typing.get_origin(inner) is typing.Literal:
            codes += [str(value) for value in typing.get_args(inner)]
        elif isinstance(inner, type) and issubclass(inner, Enum):
            codes += [member.value for member in inner]
        elif typing.get_origin(inner) in (typing.Union, types.UnionType):
            codes += _codes(inner)
    return codes


def test_every_case_field_of_the_schema_has_a_way_to_be_shown() -> None:
    assert set(_schema_fields(Case)) == set(CASE_FIELDS)
    nested = {field for field, annotation in _schema_fields(Case).items() if CASE_FIELDS[field] == NESTED}
    assert nested == {"qualification"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_coded_value_that_can_reach_a_page_has_a_label(language: str) -> None:
    labels = Labels(language)
    missing = []
    for field, annotation in _schema_fields(Case).items():
        if CASE_FIELDS[field] == NESTED:
            continue
        if not labels.has(f"case.{field}"):
            missing.append(f"case.{field}")
        if CASE_FIELDS[field] == CODE:
            codes = _codes(annotation)
            assert codes, f"{field} is shown as a code but the schema does not list its codes"
            missing += [f"value.{field}.{code}" for code in codes if not labels.has(f"value.{field}.{code}")]
    for prefix, enum in [
        ("status", Status),
        ("state", ItemState),
        ("outcome", Outcome),
        ("reason", NoProspectReason),
        ("delivery", DeliveryState),
        ("value.removal_kind", RemovalKind),
    ]:
        missing += [f"{prefix}.{member.value}" for member in enum if not labels.has(f"{prefix}.{member.value}")]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_checklist_items_municipalities_and_countries_have_names(language: str) -> None:
    labels, knowledge = Labels(language), bot_knowledge.knowledge()
    for item in knowledge.checklist:
        assert labels.item(item) != item and len(labels.item_hint(item)) > 20, item
    for municipality in knowledge.municipalities:
        assert labels.municipality(municipality) != municipality
    bot_countries = set(yaml.safe_load((BOT / "country_aliases.yml").read_text(encoding="utf-8")).values())
    for code in bot_countries | {"TR", "MA", "VN", "IN", "PH"}:
        assert not LONE_CODE.match(labels.country(code)), code
    for org_id in ORGANISATIONS:
        assert labels.organisation(org_id) != org_id


def _ticket_audit_actions() -> set[str]:
    """The actions of every audit entry about a ticket, read from the backend's source."""
    actions: set[str] = set()
    for path in (REPO / "backend").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            subject, action = keywords.get("subject_type"), keywords.get("action")
            if isinstance(subject, ast.Constant) and subject.value == "ticket" and action is not None:
                if isinstance(action, ast.Constant):
                    actions.add(action.value)
                elif isinstance(action, ast.JoinedStr) and isinstance(action.values[0], ast.Constant):
                    prefix = action.values[0].value  # f"package_{state}": the final states of a delivery
                    actions |= {f"{prefix}{state}" for state in (DeliveryState.DELIVERED, DeliveryState.FAILED)}
            if getattr(node.func, "id", None) == "_record" and path.name == "candidate_links.py":
                actions.add(node.args[3].value)
    return actions


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_audit_entry_of_a_ticket_has_a_title(language: str) -> None:
    actions = _ticket_audit_actions()
    assert {"ticket_created", "status_changed", "package_failed", "candidate_link_revoked"} <= actions
    assert sorted(action for action in actions if not Labels(language).has(f"audit.{action}")) == []


def test_the_backend_reads_the_same_checklist_and_municipalities_as_the_bot() -> None:
    """The bot's own readers (plain Python over the same YAML) against the backend's."""
    from bot.checklist import all_items

    knowledge = bot_knowledge.knowledge()
    bot_items = {item.id: (item.label_de, item.label_en) for item in all_items()}
    assert {item.id: (item.name["de"], item.name["en"]) for item in knowledge.checklist.values()} == bot_items
    document = yaml.safe_load((BOT / "knowledge" / "municipalities.yml").read_text(encoding="utf-8"))
    assert knowledge.municipalities == {entry["id"]: entry["name"] for entry in document["municipalities"]}


def _bot_constant(name: str) -> set[str]:
    tree = ast.parse((BOT / "pathfinder.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{name} not found in bot/pathfinder.py")


def _bot_no_prospect_rules() -> set[str]:
    """Every rule the path finder can put into a ticket's no_prospect reasons: .block()/.rule_out() calls."""
    tree = ast.parse((BOT / "pathfinder.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("block", "rule_out")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_the_backend_knows_every_code_the_bot_sends() -> None:
    assert {member.value for member in QualificationType} == _bot_constant("QUALIFICATION_TYPES")
    assert {member.value for member in RecognitionStatus} == _bot_constant("RECOGNITION_STATUSES")
    assert {member.value for member in NoProspectReason} == _bot_no_prospect_rules()
    business_types = yaml.safe_load((BOT / "business_types.yml").read_text(encoding="utf-8"))
    assert set(business_types) == set(_codes(Case.model_fields["business_type"].annotation))


def test_values_in_german_and_english() -> None:
    de, en = Labels("de"), Labels("en")
    assert (de.amount(42000), en.amount(42000)) == ("42.000\xa0€", "€42,000")
    assert (de.municipality("neustadt_am_ruebenberge"), de.municipality("garbsen")) == (
        "Neustadt am Rübenberge",
        "Garbsen",
    )
    assert (de.country("VN"), en.country("DE"), de.yes_no(False)) == ("Vietnam", "Germany", "nein")
    assert de.moment(WINTER) == "26.11.2026, 10:00 MEZ" and en.moment(WINTER) == "26 Nov 2026, 10:00 CET"
    assert de.moment(SUMMER).endswith("11:00 MESZ")
    assert de.audit_lines("status_changed", {"status": "submitted"}, {"status": "in_pre_check", "outcome": None}) == [
        "Status: Eingegangen → In Vorprüfung"
    ]
    assert de.audit_lines(
        "checklist_item_set", {"item": "vollmacht", "state": "missing"}, {"item": "vollmacht", "state": "checked"}
    ) == ["Checkliste: Vollmacht der Fachkraft für den Arbeitgeber: fehlt → geprüft"]


# ---------------------------------------------------------------- the pages


async def _worked_ticket(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    """A ticket with a history: status changes, checklist, no-prospect, assignee, comment, link code."""
    await api.ticket(REFERENCE, "hwk_hannover")
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    csrf = await page_csrf(client)
    steps = [
        ("transitions", {"to": "in_pre_check"}),
        ("checklist", {"item.vollmacht": "checked"}),
        ("no-prospect", {"flag": "yes", "reason": "helper_job", "other_reasons": "Betrieb nicht eingetragen"}),
        ("assignee", {"username": "hwk-ui"}),
        ("comments", {"body": "Vollmacht liegt vor"}),
        ("candidate-link", {"do": "regenerate"}),
    ]
    for form, data in steps:
        response = await client.post(f"/staff/tickets/{REFERENCE}/{form}", data={"csrf_token": csrf, **data})
        # a new link code is shown once on the answer itself (only its digest is kept), so no redirect
        expected = 200 if form == "candidate-link" else 303
        assert response.status_code == expected, (form, response.text)


async def test_the_ticket_page_in_german(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _worked_ticket(api, app, client)
    page = (await client.get(f"/staff/tickets/{REFERENCE}")).text
    for shown in [
        "<dt>Art des Betriebs</dt><dd>Handwerk</dd>",
        "<dt>Arbeitsort</dt><dd>Garbsen</dd>",
        "<dt>Art der Qualifikation</dt><dd>Berufsausbildung</dd>",
        "<dt>Land der Qualifikation</dt><dd>Türkei</dd>",
        "<dt>Anerkennung in Deutschland</dt><dd>noch nicht beantragt</dd>",
        "<dt>Staatsangehörigkeit</dt><dd>Türkei</dd>",
        "<dt>Beginn</dt><dd>01.03.2027</dd>",
        "<dt>Jahresgehalt (brutto)</dt><dd>52.000\xa0€</dd>",
        "<dt>Tarifgebunden</dt><dd>ja</dd>",
        "<dt>Altersgruppe</dt><dd>unter 45 Jahre</dd>",
        "<dt>Kontaktsprache</dt><dd>Deutsch</dd>",
        "<dt>Eingegangen am</dt><dd>26.11.2026, 10:00 MEZ</dd>",
        "Farbkopie der Passdatenseite der Fachkraft",
        "sie unterschreibt selbst.",
        "<li>Helfertätigkeit (keine qualifizierte Beschäftigung)</li>",
        "<li>Betrieb nicht eingetragen</li>",
        "<li>Status: Eingegangen → In Vorprüfung</li>",
        "<li>Checkliste: Vollmacht der Fachkraft für den Arbeitgeber: fehlt → geprüft</li>",
        "<li>Hinweise auf Aussichtslosigkeit: nein → ja</li>",
        "<li>Zuständig: niemand → hwk-ui</li>",
        "<li>Verknüpfungscode: aktiver Code</li>",
    ]:
        assert shown in page, shown
    assert code_patterns(page) == []
    assert "<details>" not in page  # the raw change is for admins


async def test_the_ticket_page_in_english(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _worked_ticket(api, app, client)
    await client.get("/staff/language/en")
    page = (await client.get(f"/staff/tickets/{REFERENCE}")).text
    for shown in [
        "<dd>Crafts</dd>",
        "<dd>Garbsen</dd>",
        "<dd>Vocational training</dd>",
        "<dd>Türkiye</dd>",
        "<dd>Not applied for yet</dd>",
        "<dd>1 Mar 2027</dd>",
        "<dd>€52,000</dd>",
        "<dd>yes</dd>",
        "<dd>under 45</dd>",
        "<dd>German</dd>",
        "<dd>26 Nov 2026, 10:00 CET</dd>",
        "Colour copy of the worker&#39;s passport data page",
        "Helper job (not qualified employment)",
        "<li>Status: Submitted → In pre-check</li>",
        "Handwerkskammer Hannover (Chamber of Crafts)",
    ]:
        assert shown in page, shown
    assert code_patterns(page) == []


async def test_admins_see_the_raw_change_behind_a_disclosure(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _worked_ticket(api, app, client)
    await user_with_password(app, "hwk-lead", "hwk_hannover", Role.ADMIN)
    await log_in(client, "hwk-lead")
    page = (await client.get(f"/staff/tickets/{REFERENCE}")).text
    assert "<details><summary>Rohdaten der Änderung</summary>" in page
    assert "&#34;state&#34;: &#34;checked&#34;" in page or '"state": "checked"' in html.unescape(page)
    assert code_patterns(page) == []


async def test_the_print_view(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _worked_ticket(api, app, client)
    printed = await client.get(f"/staff/tickets/{REFERENCE}/print")
    assert printed.status_code == 200 and '<form method="post" action="/staff/tickets' not in printed.text
    for shown in [
        "<dd>Handwerk</dd>",
        "<dd>Garbsen</dd>",
        "Vollmacht der Fachkraft",
        "Status: Eingegangen → In Vorprüfung",
    ]:
        assert shown in printed.text, shown
    assert code_patterns(printed.text) == []
    await user_with_password(app, "ihk-ui", "ihk_hannover")
    await log_in(client, "ihk-ui")
    assert (await client.get(f"/staff/tickets/{REFERENCE}/print")).status_code == 404


async def test_inbox_and_dashboard(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _worked_ticket(api, app, client)
    inbox = (await client.get("/staff/tickets")).text
    assert "<td>26.11.2026, 10:00 MEZ</td>" in inbox and code_patterns(inbox) == []
    await user_with_password(app, "hwk-lead", "hwk_hannover", Role.ADMIN)
    await log_in(client, "hwk-lead")
    for language in LANGUAGES:
        await client.get(f"/staff/language/{language}")
        dashboard = (await client.get("/staff/dashboard")).text
        assert code_patterns(dashboard) == [], language


async def test_the_forwarding_pdf_shows_labels(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _worked_ticket(api, app, client)
    for status in ("complete", "forwarded"):
        await api.move("hwk", REFERENCE, status)
    pdf = (await client.get(f"/staff/tickets/{REFERENCE}/package.pdf")).content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for shown in ["Handwerk", "Garbsen", "Berufsausbildung", "Türkei", "52.000", "Vollmacht der Fachkraft", "geprüft"]:
        assert shown in text, shown
    lines = [line for line in text.splitlines() if "@" not in line]
    assert [line for line in lines if SNAKE_CASE.search(line) or PYTHON_LITERAL.search(line)] == []
