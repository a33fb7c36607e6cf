"""Issue 14 V3: the admins' dashboard lists the knowledge file's facts that expire within 60 days
and those marked unverified, read as data with the backend's own reader (the backend never imports bot/)."""

import copy
import re
from datetime import date
from pathlib import Path

import httpx
import yaml
from backend_harness import FakeClock
from sanic import Sanic
from staff_ui import log_in, user_with_password

from backend.domain.fact_freshness import fact_freshness, read_fact_freshness
from backend.domain.permissions import Role
from backend.services.bot_knowledge import DEFAULT_KNOWLEDGE_DIR
from backend.settings import Settings

DEFAULT_KNOWLEDGE_FILE = DEFAULT_KNOWLEDGE_DIR / "facts.yml"

THRESHOLDS = {"salary_blue_card_general", "salary_blue_card_reduced", "salary_experience_route", "salary_age_45_plus"}
BACKEND_DIR = Path(__file__).resolve().parents[2] / "backend"


def _document() -> dict:
    return yaml.safe_load(DEFAULT_KNOWLEDGE_FILE.read_text(encoding="utf-8"))


def test_the_default_setting_points_at_the_bots_knowledge_file() -> None:
    assert DEFAULT_KNOWLEDGE_FILE.is_file() and DEFAULT_KNOWLEDGE_FILE.name == "facts.yml"


def test_derived_thresholds_expire_with_the_ceiling_and_are_yearly() -> None:
    freshness = fact_freshness(_document(), date(2026, 11, 26))
    expiring = {item.fact_id: item for item in freshness.expiring}
    assert THRESHOLDS | {"pension_ceiling_bbg"} <= set(expiring)
    assert expiring["salary_blue_card_reduced"].valid_until == date(2026, 12, 31)
    assert expiring["salary_blue_card_reduced"].days_left == 35 and expiring["salary_blue_card_reduced"].yearly
    assert "fee_accelerated_procedure" not in expiring, "open-ended facts never expire"


def test_nothing_is_listed_more_than_60_days_ahead_or_once_a_successor_is_entered() -> None:
    assert not fact_freshness(_document(), date(2026, 10, 31)).expiring
    document = copy.deepcopy(_document())
    ceiling = next(fact for fact in document["facts"] if fact["id"] == "pension_ceiling_bbg")
    # A made-up ceiling, only to show that a successor period ends the expiry.
    ceiling["values"].append({"value": 120000, "valid_from": date(2027, 1, 1), "valid_until": date(2027, 12, 31)})
    assert not THRESHOLDS & {item.fact_id for item in fact_freshness(document, date(2026, 12, 20)).expiring}


def test_unverified_facts_are_listed_with_their_referral() -> None:
    unverified = {item.fact_id: item.referral for item in fact_freshness(_document(), date(2026, 11, 26)).unverified}
    assert unverified["fee_recognition_ihk_hannover"] == "ihk_hannover"
    assert "fee_accelerated_procedure" not in unverified


def test_an_unreadable_file_is_reported_not_raised(tmp_path: Path) -> None:
    assert not read_fact_freshness(tmp_path / "missing.yml", date(2026, 11, 26)).readable
    broken = tmp_path / "broken.yml"
    broken.write_text("facts: [{id: x}]", encoding="utf-8")
    assert not read_fact_freshness(broken, date(2026, 11, 26)).readable


def test_the_backend_does_not_import_the_bot() -> None:
    bot_import = re.compile(r"^\s*(from|import)\s+bot(\.|\s|$)", re.MULTILINE)
    for source in BACKEND_DIR.rglob("*.py"):
        assert not bot_import.search(source.read_text(encoding="utf-8")), source


async def test_the_admins_dashboard_lists_the_facts(app: Sanic, client: httpx.AsyncClient) -> None:
    await user_with_password(app, "hwk-lead", "hwk_hannover", Role.ADMIN)
    await log_in(client, "hwk-lead")
    page = await client.get("/staff/dashboard")
    assert page.status_code == 200
    # the legal source is the label a clerk reads; the id, for whoever edits facts.yml, sits behind a disclosure
    assert "§ 18g Abs. 1 S. 1 AufenthG <details>" in page.text and "<code>salary_blue_card_general</code>" in page.text
    assert "31.12.2026 (noch 35 Tage)" in page.text
    assert "Jahreswert" in page.text and "<code>fee_recognition_ihk_hannover</code>" in page.text


async def test_a_knowledge_file_that_cannot_be_read_leaves_the_dashboard_working(
    settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    from asgi_lifespan import LifespanManager

    from backend.app import create_app

    application = create_app(settings.model_copy(update={"knowledge_dir": tmp_path}), clock)
    async with LifespanManager(application):
        await user_with_password(application, "hwk-lead", "hwk_hannover", Role.ADMIN)
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://backend.test") as admin:
            await log_in(admin, "hwk-lead")
            page = await admin.get("/staff/dashboard")
    assert page.status_code == 200 and "Der Wissensbestand konnte nicht gelesen werden." in page.text
