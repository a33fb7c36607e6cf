"""D18/D21: forwarding builds the case package (JSON + PDF), records it, and delivers it through
the durable queue to an HMAC-signed HTTP endpoint, retrying with backoff after a failure."""

import email
import email.policy
import hashlib
import hmac
import io
import json
from pathlib import Path

from backend_harness import Api, FakeClock
from http_receiver import Receiver
from pypdf import PdfReader
from sanic import Sanic
from smtp_server import smtp_server
from sqlalchemy import select

from backend.database.models import ForwardingPackage, Ticket
from backend.services import forwarding
from backend.settings import Settings

REFERENCE = "LT-2026-FWD001"
SECRET = "test-secret-not-for-production"


async def _forwarded(api: Api) -> None:
    await api.ticket(REFERENCE, "hwk_hannover", company_name="Bäckerei Şahin & Söhne")
    for status in ("in_pre_check", "complete", "forwarded"):
        await api.move("hwk", REFERENCE, status)


async def _package_or_none(app: Sanic) -> ForwardingPackage | None:
    async with app.ctx.sessions() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == REFERENCE))
        assert ticket is not None
        return await forwarding.latest_package(session, ticket)


async def _package(app: Sanic) -> ForwardingPackage:
    package = await _package_or_none(app)
    assert package is not None
    return package


def _http_settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={"forward_url": url, "forward_hmac_secret": SECRET})


async def test_forwarding_records_json_and_pdf_with_hash_in_the_audit_trail(api: Api, app: Sanic) -> None:
    await _forwarded(api)
    package = await _package(app)
    document = package.package_json
    assert document["reference"] == REFERENCE and document["format"] == forwarding.PACKAGE_FORMAT
    assert document["case"]["company_name"] == "Bäckerei Şahin & Söhne"
    assert document["checklist"] == [
        {"item": "vollmacht", "state": "missing"},
        {"item": "passport_copy", "state": "received"},
    ]
    assert document["routing"]["forward_to"]["id"] == "zentralstelle"
    assert document["no_prospect"] == {"flag": False, "reasons": []}
    assert package.sha256 == hashlib.sha256(forwarding.canonical(document)).hexdigest()

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(package.pdf)).pages)
    for expected in (
        REFERENCE,
        "Bäckerei",
        "Vollmacht der Fachkraft",
        "fehlt",
        "Handwerkskammer Hannover",
        "no-prospect",
    ):
        assert expected in text, expected

    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/audit", 200))["items"]
    recorded = [event for event in trail if event["action"] == "package_recorded"]
    assert recorded[0]["after"]["package_sha256"] == package.sha256
    assert (await api.call("zentralstelle", "GET", f"/api/v1/tickets/{REFERENCE}", 200))["status"] == "forwarded"
    assert package.delivery.state == "pending"


async def test_no_package_without_the_complete_status(api: Api, app: Sanic) -> None:
    await api.ticket(REFERENCE, "hwk_hannover")
    await api.move("hwk", REFERENCE, "forwarded", expect=409)
    assert await _package_or_none(app) is None


async def test_delivery_is_signed_with_hmac_over_timestamp_and_body(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    await _forwarded(api)
    tried = await forwarding.deliver_due(app.ctx.sessions, _http_settings(settings, receiver.url), clock())
    assert tried == 1 and len(receiver.received) == 1
    headers, body = receiver.received[0]
    timestamp = headers["x-lotse-timestamp"]
    assert timestamp == str(int(clock().timestamp()))
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-lotse-signature"], f"sha256={expected}")
    delivered = json.loads(body)
    assert delivered["package"]["reference"] == REFERENCE
    assert delivered["package_sha256"] == hashlib.sha256(forwarding.canonical(delivered["package"])).hexdigest()
    package = await _package(app)
    assert (package.delivery.state, package.delivery.attempts, package.delivery.target) == ("delivered", 1, "http")
    assert await forwarding.deliver_due(app.ctx.sessions, _http_settings(settings, receiver.url), clock()) == 0


async def test_a_failed_delivery_is_retried_after_backoff(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver
) -> None:
    await _forwarded(api)
    configured = _http_settings(settings, receiver.url)
    receiver.statuses = [500]
    assert await forwarding.deliver_due(app.ctx.sessions, configured, clock()) == 1
    package = await _package(app)
    assert (package.delivery.state, package.delivery.attempts, package.delivery.last_error) == (
        "pending",
        1,
        "http 500",
    )
    assert await forwarding.deliver_due(app.ctx.sessions, configured, clock()) == 0  # not due yet
    clock.advance(seconds=configured.forward_backoff_seconds + 1)
    assert await forwarding.deliver_due(app.ctx.sessions, configured, clock()) == 1
    package = await _package(app)
    assert (package.delivery.state, package.delivery.attempts) == ("delivered", 2)
    assert len(receiver.received) == 2
    trail = (await api.call("hwk", "GET", f"/api/v1/tickets/{REFERENCE}/audit", 200))["items"]
    assert [event["action"] for event in trail][-1] == "package_delivered"


async def test_delivery_gives_up_after_the_last_attempt(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock
) -> None:
    await _forwarded(api)
    unreachable = settings.model_copy(update={"forward_url": "http://127.0.0.1:9/nothing", "forward_max_attempts": 2})
    for _ in range(2):
        assert await forwarding.deliver_due(app.ctx.sessions, unreachable, clock()) == 1
        clock.advance(hours=7)
    package = await _package(app)
    assert (package.delivery.state, package.delivery.attempts) == ("failed", 2)
    assert package.delivery.last_error is not None and package.delivery.last_error.startswith("network")
    assert await forwarding.deliver_due(app.ctx.sessions, unreachable, clock()) == 0


async def test_without_a_target_the_delivery_waits_visibly(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock
) -> None:
    await _forwarded(api)
    await forwarding.deliver_due(app.ctx.sessions, settings, clock())
    package = await _package(app)
    assert (package.delivery.state, package.delivery.last_error) == ("pending", "no delivery target configured")


async def test_delivery_by_smtp_attaches_json_and_pdf_over_starttls_with_login(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    with smtp_server(tmp_path) as server:
        await _forwarded(api)
        smtp = settings.model_copy(
            update={
                "forward_smtp_host": "127.0.0.1",
                "forward_smtp_port": server.port,
                "forward_smtp_user": "lotse",
                "forward_smtp_password": "mail-secret",
                "forward_smtp_ca_file": server.ca_file,
                "forward_mail_to": "zentralstelle@example.test",
            }
        )
        assert await forwarding.deliver_due(app.ctx.sessions, smtp, clock()) == 1
    assert server.logins == [("lotse", "mail-secret")]
    message = email.message_from_bytes(server.messages[0], policy=email.policy.default)
    assert message["To"] == "zentralstelle@example.test" and REFERENCE in message["Subject"]
    attachments = {part.get_filename(): part.get_content_type() for part in message.iter_attachments()}
    assert attachments == {f"{REFERENCE}.json": "application/json", f"{REFERENCE}.pdf": "application/pdf"}
    package = await _package(app)
    assert (package.delivery.state, package.delivery.target) == ("delivered", "smtp")


async def test_erasure_strips_the_stored_package(api: Api, app: Sanic) -> None:
    await _forwarded(api)
    await api.call("hwk_admin", "POST", f"/api/v1/tickets/{REFERENCE}/erasure", 200)
    package = await _package(app)
    assert package.pdf == b"" and package.package_json["consent"] is None
    assert "company_name" not in package.package_json["case"] and "contact_email" not in package.package_json["case"]
    assert package.package_json["case"]["occupation"] == "Tischler"
