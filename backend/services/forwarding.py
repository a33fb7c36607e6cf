"""Forwarding to the Zentralstelle: the case package (JSON + PDF), recorded on the ticket, and
its delivery through a durable queue (HTTP with an HMAC-SHA256 signature, or SMTP) with backoff."""

import base64
import hashlib
import hmac
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.database.engine import Sessions
from backend.database.models import Delivery, ForwardingPackage, Ticket
from backend.domain.statuses import Status
from backend.schemas import TransitionRequest
from backend.services import audit, delivery_queue, tickets
from backend.services.accounts import Principal
from backend.services.delivery_queue import DeliveryError, DeliveryState, Retry, canonical
from backend.services.errors import ApiError
from backend.settings import Settings
from backend.web.labels import Labels

log = logging.getLogger("backend.forwarding")
logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs at INFO per PDF
PACKAGE_FORMAT = "lotse.case_package/1"
FORWARDING_ACTOR = "system:forwarding"
SIGNATURE_HEADER = "X-Lotse-Signature"
TIMESTAMP_HEADER = "X-Lotse-Timestamp"
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def package_document(ticket: Ticket, actor: str) -> dict[str, Any]:
    return {
        "format": PACKAGE_FORMAT,
        "reference": ticket.reference,
        "language": ticket.language,
        "forwarded_at": ticket.forwarded_at.isoformat() if ticket.forwarded_at else None,
        "forwarded_by": actor,
        "pre_check_org": ticket.pre_check_org,
        "case": ticket.case_data,
        "routing": ticket.routing,
        "checklist": [{"item": item.item, "state": item.state} for item in ticket.checklist],
        "no_prospect": {"flag": ticket.no_prospect_flag, "reasons": ticket.no_prospect_reasons},
        "consent": ticket.consent,
    }


# ---------------------------------------------------------------- PDF


class _CasePdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = UNICODE_FONT.exists()
        if self.unicode:
            self.add_font("body", "", str(UNICODE_FONT))
        self.family_name = "body" if self.unicode else "helvetica"
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def text_for_font(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str) -> None:
        self.set_font(self.family_name, size=13)
        self.ln(3)
        self.multi_cell(0, 8, self.text_for_font(text), new_x="LMARGIN", new_y="NEXT")

    def row(self, label: str, value: str) -> None:
        self.set_font(self.family_name, size=10)
        self.multi_cell(0, 6, self.text_for_font(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")


def package_pdf(document: dict[str, Any]) -> bytes:
    """The package for people: the same labels as the staff pages (German, the authority's language);
    the JSON beside it keeps the codes for machines."""
    labels = Labels("de")
    forwarded_at = document["forwarded_at"]
    pdf = _CasePdf()
    pdf.set_title(f"Fallpaket {document['reference']}")
    pdf.heading(f"Lotse – Fallpaket / case package {document['reference']}")
    pdf.row(
        "Weitergeleitet am / forwarded at", labels.moment(datetime.fromisoformat(forwarded_at)) if forwarded_at else "–"
    )
    pdf.row("Vorprüfung / pre-check", labels.organisation(document["pre_check_org"]))
    pdf.heading("Falldaten / case data")
    for label, value in labels.case_rows(document["case"]):
        pdf.row(label, value)
    pdf.heading("Checkliste / checklist")
    for entry in document["checklist"]:
        pdf.row(labels.item(entry["item"]), labels.state(entry["state"]))
    pdf.heading("Zuständigkeiten / routing")
    for key, value in document["routing"].items():
        pdf.row(labels.t(f"routing.{key}"), labels.organisation(value["id"], value["name"]) if value else "–")
    pdf.heading("Aussichtslosigkeit / no-prospect findings")
    pdf.row(labels.t("ticket.no_prospect"), labels.yes_no(document["no_prospect"]["flag"]))
    pdf.row(labels.t("ticket.no_prospect.reasons"), labels.reasons(document["no_prospect"]["reasons"]))
    return bytes(pdf.output())


# ---------------------------------------------------------------- recording


async def change_status(
    session: AsyncSession, principal: Principal, ticket: Ticket, change: TransitionRequest, now: datetime
) -> Ticket:
    """Every status change goes through here: moving to `forwarded` records the case package and
    queues its delivery in the same transaction."""
    await tickets.transition(session, principal, ticket, change, now)
    if change.to is Status.FORWARDED:
        await record_package(session, principal, ticket, now)
    return ticket


async def record_package(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> None:
    document = package_document(ticket, principal.username)
    body = canonical(document)
    pdf = package_pdf(document)
    package = ForwardingPackage(
        ticket_id=ticket.id,
        package_json=document,
        pdf=pdf,
        sha256=hashlib.sha256(body).hexdigest(),
        created_by=principal.username,
        created_at=now,
    )
    package.delivery = Delivery(state=DeliveryState.PENDING.value, attempts=0, next_attempt_at=now, updated_at=now)
    session.add(package)
    await session.flush()
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="package_recorded",
        actor=principal.username,
        at=now,
        after={"package_sha256": package.sha256, "pdf_sha256": hashlib.sha256(pdf).hexdigest()},
    )


async def requeue(session: AsyncSession, principal: Principal, ticket: Ticket, now: datetime) -> None:
    """Staff put a delivery that failed for good back into the queue, with fresh attempts."""
    package = await latest_package(session, ticket)
    if package is None or package.delivery.state != DeliveryState.FAILED:
        raise ApiError(409, "delivery_not_failed", "Only a failed delivery can be queued again.")
    delivery_queue.requeue(package.delivery, now)
    audit.record(
        session,
        subject_type="ticket",
        subject=ticket.reference,
        action="delivery_requeued",
        actor=principal.username,
        at=now,
    )


async def latest_package(session: AsyncSession, ticket: Ticket) -> ForwardingPackage | None:
    query = select(ForwardingPackage).where(ForwardingPackage.ticket_id == ticket.id)
    return await session.scalar(query.order_by(ForwardingPackage.id.desc()).limit(1))


async def forget_package_contents(session: AsyncSession, ticket: Ticket) -> None:
    """Anonymisation: stored packages keep the retained case fields only and lose their PDF."""
    query = select(ForwardingPackage).where(ForwardingPackage.ticket_id == ticket.id)
    for package in (await session.scalars(query)).unique().all():
        package.package_json = {**package.package_json, "case": ticket.case_data, "consent": None}
        package.pdf = b""


# ---------------------------------------------------------------- delivery


@dataclass(frozen=True)
class Outgoing:
    entry_id: int
    reference: str
    body: bytes
    pdf: bytes


def delivery_body(package: ForwardingPackage) -> bytes:
    return canonical(
        {
            "package": package.package_json,
            "package_sha256": package.sha256,
            "pdf_base64": base64.b64encode(package.pdf).decode(),
        }
    )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def target_of(settings: Settings) -> str | None:
    if settings.forward_url:
        return "http"
    if settings.forward_smtp_host and settings.forward_mail_to and settings.forward_smtp_user:
        return "smtp"
    return None


def _post(settings: Settings, outgoing: Outgoing, now: datetime) -> None:
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp}
    if settings.forward_hmac_secret:
        headers[SIGNATURE_HEADER] = signature(settings.forward_hmac_secret, timestamp, outgoing.body)
    delivery_queue.post(settings.forward_url, outgoing.body, headers, timeout=15)


def _smtp_context(settings: Settings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.forward_smtp_ca_file or None)


def _mail(settings: Settings, outgoing: Outgoing) -> None:
    """Only over STARTTLS (the certificate checked) and with a login; a server offering neither gets nothing."""
    message = EmailMessage()
    message["Subject"] = f"Lotse Fallpaket {outgoing.reference}"
    message["From"] = settings.forward_mail_from or "lotse@localhost"
    message["To"] = settings.forward_mail_to
    message.set_content(f"Fallpaket {outgoing.reference}: JSON und PDF im Anhang.")
    message.add_attachment(outgoing.body, maintype="application", subtype="json", filename=f"{outgoing.reference}.json")
    message.add_attachment(outgoing.pdf, maintype="application", subtype="pdf", filename=f"{outgoing.reference}.pdf")
    try:
        with smtplib.SMTP(settings.forward_smtp_host, settings.forward_smtp_port, timeout=15) as smtp:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise DeliveryError("smtp: server offers no STARTTLS")
            smtp.starttls(context=_smtp_context(settings))
            smtp.ehlo()
            smtp.login(settings.forward_smtp_user, settings.forward_smtp_password)
            smtp.send_message(message)
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"smtp: {type(error).__name__}") from None


def send(settings: Settings, outgoing: Outgoing, now: datetime) -> str:
    """Delivers one package (blocking; run in a thread). Returns the target kind."""
    target = target_of(settings)
    if target == "http":
        _post(settings, outgoing, now)
    elif target == "smtp":
        _mail(settings, outgoing)
    else:
        raise DeliveryError("no delivery target configured")
    return target


async def _due(sessions: Sessions, now: datetime, limit: int) -> list[Outgoing]:
    query = (
        select(Delivery)
        .where(Delivery.state == DeliveryState.PENDING.value, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    async with sessions() as session, session.begin():
        due = list((await session.scalars(query)).all())
        delivery_queue.claim(due, now)
        outgoing = []
        for delivery in due:
            package = await session.get(ForwardingPackage, delivery.package_id)
            ticket = await session.get(Ticket, package.ticket_id) if package else None
            if package and ticket:
                outgoing.append(Outgoing(delivery.id, ticket.reference, delivery_body(package), package.pdf))
        return outgoing


async def _settle(
    sessions: Sessions, settings: Settings, outgoing: Outgoing, now: datetime, result: str | DeliveryError
) -> None:
    error = result if isinstance(result, DeliveryError) else None
    if error is not None:
        log.warning("delivery %s failed: %s", outgoing.entry_id, error)
    retry = Retry(settings.forward_backoff_seconds, settings.forward_max_attempts)
    async with sessions() as session, session.begin():
        delivery = await session.get(Delivery, outgoing.entry_id)
        if delivery is None:
            return
        if isinstance(result, str):
            delivery.target = result
        if delivery_queue.record_attempt(delivery, now, error, retry):
            audit.record(
                session,
                subject_type="ticket",
                subject=outgoing.reference,
                action=f"package_{delivery.state}",
                actor=FORWARDING_ACTOR,
                at=now,
                after={"attempts": delivery.attempts, "target": delivery.target, "error": delivery.last_error},
            )


async def deliver_due(sessions: Sessions, settings: Settings, now: datetime, limit: int = 10) -> int:
    """One pass over the queue: claims what is due, sends it outside any transaction. Returns how many were tried."""
    return await delivery_queue.send_each(
        await _due(sessions, now, limit),
        lambda outgoing: send(settings, outgoing, now),
        lambda outgoing, result: _settle(sessions, settings, outgoing, now, result),
    )
