"""Issue 17: the backend half of the conversation insights — the facts API (bot token, validation,
duplicates, the defensive scrub), their retention, and the Insights page for the organisations' leads
(access per role, "< 5" for small counts on the page and in the CSV, labels in the clerk's words)."""

import csv
import io
import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from backend_harness import Api, FakeClock
from sanic import Sanic
from sqlalchemy import select
from staff_ui import log_in, user_with_password
from test_health import NO_INSIGHTS_YET
from test_staff_labels import code_patterns

from backend.database.models import InsightFact
from backend.domain.insights import INTAKE_QUESTIONS
from backend.domain.permissions import Role
from backend.domain.personal_text import kept_text
from backend.domain.text_groups import group_texts
from backend.services.insights import purge_old_facts
from backend.web.i18n import LANGUAGES

REPO = Path(__file__).resolve().parents[2]
FACTS = "/api/v1/insights/facts"
DAY = "2026-11-25"  # the day before the test clock's
_ids = itertools.count(1)


def fact(kind: str, **fields: Any) -> dict[str, Any]:
    common = {"day": DAY, "conversation": f"c{next(_ids):04x}", "channel": "rest", "language": "de"}
    return {"id": f"fact-{next(_ids)}", "kind": kind, "persona": "employer"} | common | fields


async def report(api: Api, facts: list[dict[str, Any]], expect: int = 202) -> Any:
    return await api.call("bot", "POST", FACTS, expect, json={"facts": facts})


async def stored_facts(app: Sanic) -> list[InsightFact]:
    async with app.ctx.sessions() as session:
        return list((await session.scalars(select(InsightFact))).all())


# ---------------------------------------------------------------- the API


async def test_facts_are_stored_once_and_a_repeated_id_counts_as_a_duplicate(api: Api, app: Sanic) -> None:
    assert (await api.call("", "GET", "/api/v1/health", 200))["insights"]["last_fact_at"] is None
    first = fact("conversation_started")
    batch = [first, fact("topic_asked", topic="fee_procedure", result="answered"), first]
    assert await report(api, batch) == {"stored": 2, "duplicates": 1}
    again = [first, fact("feedback", value="up", topic="fee_procedure", knowledge_version="2026-11-20")]
    assert await report(api, again) == {"stored": 1, "duplicates": 1}
    assert len(await stored_facts(app)) == 3
    health = await api.call("", "GET", "/api/v1/health", 200)
    assert health["insights"]["last_fact_at"].startswith("2026-11-26T09:00:00")
    assert await report(api, []) == {"stored": 0, "duplicates": 0}


@pytest.mark.parametrize("caller, expect", [("", 401), ("hwk", 403), ("hwk_admin", 403), ("zentralstelle", 403)])
async def test_only_the_bot_reports_facts(api: Api, app: Sanic, caller: str, expect: int) -> None:
    body = {"facts": [fact("conversation_started")]}
    answer = await api.call(caller, "POST", FACTS, expect, json=body)
    assert set(answer) == {"error"} and await stored_facts(app) == []


BAD_FACTS = {
    "unknown field": fact("conversation_started", name="Jana"),
    "unknown kind": fact("chat_text"),
    "bad channel": fact("conversation_started", channel="email"),
    "bad day": fact("conversation_started", day="25.11.2026"),
    "field of another kind": fact("conversation_started", topic="fee_procedure"),
    "text on a topic question": fact("topic_asked", topic="fee_procedure", result="answered", text="hallo"),
    "missing result": fact("topic_asked", topic="fee_procedure"),
    "missing question": fact("intake_abandoned"),
    "missing vote": fact("feedback"),
    "free text as a code": fact("intake_abandoned", question="Jana Beispiel"),
    "long id": fact("conversation_started", id="x" * 65),
    "long text": fact("unanswered", text="w " * 151),
}


@pytest.mark.parametrize("problem", sorted(BAD_FACTS))
async def test_a_bad_fact_refuses_the_whole_call(api: Api, app: Sanic, problem: str) -> None:
    answer = await report(api, [fact("conversation_started"), BAD_FACTS[problem]], expect=422)
    assert answer["error"]["code"] == "validation_failed"
    assert "Jana" not in str(answer)  # the refusal does not echo the values
    assert await stored_facts(app) == []


async def test_bodies_that_are_no_batch_are_refused(api: Api, client: httpx.AsyncClient, app: Sanic) -> None:
    headers = api.accounts["bot"].headers
    assert (await client.post(FACTS, headers=headers)).status_code == 400
    assert (await client.post(FACTS, headers=headers, content=b"{not json")).status_code == 422
    assert (
        await client.post(FACTS, headers=headers, json={"facts": [fact("intake_started")] * 501})
    ).status_code == 422
    assert (await client.post(FACTS, headers=headers, json=[fact("intake_started")])).status_code == 422
    assert await stored_facts(app) == []


async def test_no_personal_data_is_stored(api: Api, app: Sanic) -> None:
    """The bot scrubs the texts; the backend drops a line that still looks like it holds contact data."""
    personal = [
        "Bitte an jana.beispiel@tischlerei-beispiel.de schreiben",
        "jana (at) beispiel.de fragt nach",
        "Rufen Sie mich an: 0511 123 45 67",
        "+49 (511) 1234567 ist meine Nummer",
        "siehe https://tischlerei-beispiel.de/jobs",
        "www.beispiel-gmbh.de hat eine Frage",
    ]
    facts = [fact("unanswered", text=text) for text in personal]
    facts.append(
        fact("feedback", value="down", topic="fee_visa", text="Mail an info@beispiel.de, Telefon 0511 9876543")
    )
    facts.append(fact("unanswered", text="Wie lange dauert die Anerkennung?"))
    assert (await report(api, facts))["stored"] == len(facts)
    rows = await stored_facts(app)
    texts = [row.text for row in rows if row.text is not None]
    assert texts == ["Wie lange dauert die Anerkennung?"]
    every_value = " ".join(str(value) for row in rows for value in vars(row).values())
    for piece in ("@", "beispiel.de", "0511", "1234567", "https", "www."):
        assert piece not in every_value, piece


def test_the_scrub_keeps_plain_questions() -> None:
    for text in ("Was kostet die Blaue Karte 2027?", "Gehalt 52.000 Euro reicht?", "Dauer § 81a AufenthG"):
        assert kept_text(text) == text
    assert kept_text("  zwei   Leerzeichen \n") == "zwei Leerzeichen"
    assert kept_text("   ") is None


# ---------------------------------------------------------------- the consumer's backlog on the health endpoint

CONSUMER_STATUS = "/api/v1/insights/consumer-status"


def consumer_status(source: str = "rabbitmq", backlog: int = 17, **fields: Any) -> dict[str, Any]:
    return {
        "source": source,
        "backlog": backlog,
        "last_event_at": "2026-11-26T08:59:30+00:00",
        "reported_at": "2026-11-26T08:59:58+00:00",
    } | fields


async def insights_health(api: Api) -> dict[str, Any]:
    health: dict[str, Any] = (await api.call("", "GET", "/api/v1/health", 200))["insights"]
    return health


async def test_the_health_endpoint_shows_the_consumers_backlog_and_when_it_goes_stale(
    api: Api, clock: FakeClock
) -> None:
    assert await insights_health(api) == NO_INSIGHTS_YET
    assert await api.call("bot", "PUT", CONSUMER_STATUS, 200, json=consumer_status()) == {"recorded": True}
    health = await insights_health(api)
    assert (health["consumer"], health["source"], health["backlog"]) == ("reporting", "rabbitmq", 17)
    assert health["last_event_at"].startswith("2026-11-26T08:59:30")
    assert health["consumer_reported_at"].startswith("2026-11-26T09:00:00")  # the backend's clock

    clock.advance(minutes=2)
    await api.call("bot", "PUT", CONSUMER_STATUS, 200, json=consumer_status(backlog=0, last_event_at=None))
    health = await insights_health(api)
    assert (health["consumer"], health["backlog"], health["last_event_at"]) == ("reporting", 0, None)

    clock.advance(minutes=3, seconds=1)  # no report for longer than the consumer's interval allows
    health = await insights_health(api)
    assert (health["consumer"], health["backlog"]) == ("stale", 0)
    assert health["consumer_reported_at"].startswith("2026-11-26T09:02:00")


async def test_the_latest_consumer_is_shown_when_the_source_changes(api: Api, clock: FakeClock) -> None:
    await api.call("bot", "PUT", CONSUMER_STATUS, 200, json=consumer_status("sqlite", 3))
    clock.advance(seconds=30)
    await api.call("bot", "PUT", CONSUMER_STATUS, 200, json=consumer_status("rabbitmq", 5))
    health = await insights_health(api)
    assert (health["source"], health["backlog"], health["consumer"]) == ("rabbitmq", 5, "reporting")


BAD_STATUSES = {
    "unknown source": consumer_status(source="kafka"),
    "negative backlog": consumer_status(backlog=-1),
    "backlog as text": consumer_status(backlog="17"),
    "time without zone": consumer_status(reported_at="2026-11-26T08:59:58"),
    "unknown field": consumer_status(queue="lotse-insights"),
    "no report time": {"source": "rabbitmq", "backlog": 1},
}


@pytest.mark.parametrize("problem", sorted(BAD_STATUSES))
async def test_a_malformed_consumer_status_is_refused(api: Api, problem: str) -> None:
    answer = await api.call("bot", "PUT", CONSUMER_STATUS, 422, json=BAD_STATUSES[problem])
    assert answer["error"]["code"] == "validation_failed"
    assert (await insights_health(api))["consumer"] == "never_reported"


@pytest.mark.parametrize("caller, expect", [("", 401), ("hwk", 403), ("hwk_admin", 403), ("zentralstelle", 403)])
async def test_only_the_bot_reports_the_consumer_status(api: Api, caller: str, expect: int) -> None:
    await api.call(caller, "PUT", CONSUMER_STATUS, expect, json=consumer_status())
    assert (await insights_health(api))["consumer"] == "never_reported"


# ---------------------------------------------------------------- retention


async def test_facts_past_the_retention_are_deleted(api: Api, app: Sanic) -> None:
    today = date(2026, 11, 26)
    old, kept = today - timedelta(days=397), today - timedelta(days=396)
    await report(api, [fact("intake_started", day=old.isoformat()), fact("intake_started", day=kept.isoformat())])
    assert await purge_old_facts(app.ctx.sessions, today, 396) == 1
    assert [row.day for row in await stored_facts(app)] == [kept]


# ---------------------------------------------------------------- grouping


def test_unanswered_questions_are_grouped_by_similarity() -> None:
    texts = [
        "Wie lange dauert das Visum?",
        "wie lange dauert das visum",
        "Wie lange dauert das Visum eigentlich?",
        "Brauche ich einen Meisterbrief?",
        "Wie lange dauert das Visum?",
    ]
    groups = group_texts(texts)
    assert [(group.example, group.count) for group in groups] == [
        ("Wie lange dauert das Visum?", 4),
        ("Brauche ich einen Meisterbrief?", 1),
    ]
    assert len(group_texts([f"Frage Nummer {n} zu {topic}" for n, topic in enumerate("abcdefghijklm" * 3)], 10)) <= 10


def test_the_intake_question_order_is_the_intake_forms() -> None:
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    assert tuple(domain["forms"]["intake_form"]["required_slots"]) == INTAKE_QUESTIONS


# ---------------------------------------------------------------- the page


async def _lead(app: Sanic, client: httpx.AsyncClient) -> None:
    await user_with_password(app, "hwk-lead", "hwk_hannover", Role.ADMIN)
    await log_in(client, "hwk-lead")


async def _world(api: Api) -> None:
    facts = [fact("conversation_started") for _ in range(7)]
    facts += [fact("conversation_started", channel="teams", language="en") for _ in range(3)]
    facts += [fact("human_requested", reason="asked_for_person")]
    facts += [fact("topic_asked", topic="fee_procedure", result="answered") for _ in range(6)]
    facts += [fact("topic_asked", topic="family", result="fallback") for _ in range(2)]
    facts += [fact("intake_started") for _ in range(10)]
    facts += [fact("intake_abandoned", question="company_name") for _ in range(2)]
    facts += [fact("intake_abandoned", question="contact_email") for _ in range(3)]
    facts += [fact("intake_completed") for _ in range(5)]
    facts += [fact("pathfinder_outcome", outcome="blue_card") for _ in range(5)]
    facts += [fact("pathfinder_outcome", outcome="no_prospect", reason="helper_job") for _ in range(2)]
    facts += [fact("feedback", topic="fee_procedure", value="up") for _ in range(6)]
    facts += [fact("feedback", topic="family", value="up") for _ in range(4)]
    facts += [fact("feedback", topic="fee_procedure", value="down", text="Zahlungsweg fehlt")]
    facts += [
        fact("unanswered", text=text) for text in ["Wie lange dauert das Visum?"] * 5 + ["Was ist ein Meisterbrief?"]
    ]
    await report(api, facts)


def _table(page: str, chart: str) -> str:
    return page.split(f'id="{chart}-table"', 1)[1].split("</table>", 1)[0]


async def test_the_insights_page_for_the_lead(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _world(api)
    await _lead(app, client)
    page = await client.get("/staff/insights")
    assert page.status_code == 200
    text = page.text
    assert text.count('<svg role="img"') == 8 and "<script" not in text
    for chart in ("conversations", "channels", "topics", "funnel", "outcomes", "feedback", "gaps", "missing"):
        assert f'<title id="{chart}-title">' in text and f'id="{chart}-desc"' in text, chart
        assert f'href="/staff/insights/export/{chart}"' in text, chart
    conversations = _table(text, "conversations")
    assert '<th scope="row">KW 48/2026</th><td>10</td><td>7</td><td>&lt; 5</td>' in conversations
    assert "<td>3</td>" not in conversations
    text_alternative = text.split('id="channels-desc">', 1)[1].split("</desc>", 1)[0]
    assert "Website: 7" in text_alternative and "Microsoft Teams: &lt; 5" in text_alternative  # the picture hides too
    channels = _table(text, "channels")
    assert "Website</th><td>7</td>" in channels and "Microsoft Teams</th><td>&lt; 5</td>" in channels
    assert "Deutsch</th><td>7</td>" in channels and "Arbeitgeber</th><td>10</td>" in channels
    topics = _table(text, "topics")
    assert "Gebühr des beschleunigten Verfahrens</th><td>6</td><td>6</td>" in topics
    assert "Familiennachzug</th><td>&lt; 5</td>" in topics
    funnel = _table(text, "funnel")
    assert "Fallaufnahme begonnen</th><td>10</td><td>100 %</td>" in funnel
    assert "Art des Betriebs</th><td>8</td><td>80 %</td><td>0</td>" in funnel  # 2 stopped at the first question
    assert "Telefon</th><td>5</td><td>50 %</td><td>0</td>" in funnel  # 3 more stopped at the e-mail address
    assert "Fall übermittelt</th><td>5</td><td>50 %</td>" in funnel
    outcomes = _table(text, "outcomes")
    assert "Blaue Karte EU (§ 18g AufenthG)</th><td>5</td>" in outcomes
    assert "keine Aussicht: Helfertätigkeit (keine qualifizierte Beschäftigung)</th><td>&lt; 5</td>" in outcomes
    feedback = _table(text, "feedback")
    assert "Gebühr des beschleunigten Verfahrens</th><td>6</td><td>&lt; 5</td><td>86 %</td>" in feedback
    assert "Familiennachzug</th><td>&lt; 5</td><td>0</td><td>&lt; 5</td>" in feedback  # no share of a small count
    assert "Zahlungsweg fehlt</th><td>&lt; 5</td>" in _table(text, "missing")
    gaps = _table(text, "gaps")
    assert "Wie lange dauert das Visum?</th><td>5</td>" in gaps and "Meisterbrief?</th><td>&lt; 5</td>" in gaps
    assert "Gültigkeit endet in den nächsten 60 Tagen" in text


async def test_the_csv_exports_hide_small_counts(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _world(api)
    await _lead(app, client)
    export = await client.get("/staff/insights/export/conversations")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert 'filename="lotse-insights-conversations.csv"' in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kalenderwoche", "Gespräche", "Website"]
    assert rows[1][:4] == ["KW 48/2026", "10", "7", "< 5"]
    for chart in ("channels", "topics", "funnel", "outcomes", "feedback", "gaps", "missing"):
        body = (await client.get(f"/staff/insights/export/{chart}")).content.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        assert not {"1", "2", "3", "4"} & set(cells), chart
    assert (await client.get("/staff/insights/export/tickets")).status_code == 404


async def test_a_quoted_question_cannot_become_a_spreadsheet_formula(
    api: Api, app: Sanic, client: httpx.AsyncClient
) -> None:
    await report(api, [fact("unanswered", text="=SUMME(A1:A9) geht das?") for _ in range(5)])
    await _lead(app, client)
    body = (await client.get("/staff/insights/export/gaps")).content.decode("utf-8-sig")
    assert "'=SUMME(A1:A9) geht das?" in body


async def test_only_leads_see_the_insights(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    assert (await client.get("/staff/insights")).status_code == 303  # no session: to the login
    await user_with_password(app, "hwk-ui", "hwk_hannover")
    await log_in(client, "hwk-ui")
    assert (await client.get("/staff/insights")).status_code == 403
    assert (await client.get("/staff/insights/export/topics")).status_code == 403
    assert "/staff/insights" not in (await client.get("/staff/tickets")).text
    await user_with_password(app, "zs-lead", "zentralstelle", Role.ADMIN)
    await log_in(client, "zs-lead")
    assert (await client.get("/staff/insights")).status_code == 200
    assert 'href="/staff/insights"' in (await client.get("/staff/tickets")).text


async def test_the_page_speaks_the_clerks_language(api: Api, app: Sanic, client: httpx.AsyncClient) -> None:
    await _world(api)
    await report(api, [fact("topic_asked", topic="brand_new_topic", result="clarified") for _ in range(5)])
    await _lead(app, client)
    for language in LANGUAGES:
        await client.get(f"/staff/language/{language}")
        page = (await client.get("/staff/insights")).text
        assert code_patterns(page) == [], language
    assert "Brand new topic" in page and "EU Blue Card (§ 18g AufenthG)" in page


async def test_an_empty_period_says_so(app: Sanic, client: httpx.AsyncClient) -> None:
    await _lead(app, client)
    page = await client.get("/staff/insights")
    assert page.status_code == 200 and page.text.count("Für diesen Zeitraum liegen keine Angaben vor.") == 8
    assert "<svg" not in page.text
