"""Issue 15 P5: the way to the authority. A redirect is a failed delivery (never followed: it would
turn the POST into a GET elsewhere); SMTP only over STARTTLS with a login; production refuses plain
http:// and a missing HMAC secret."""

from pathlib import Path

import pytest
from backend_harness import Api, FakeClock
from http_receiver import Receiver, receiving
from pydantic import ValidationError
from sanic import Sanic
from smtp_server import smtp_server
from test_forwarding import SECRET, _forwarded, _http_settings, _package

from backend.services import forwarding
from backend.settings import Settings


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_a_failed_delivery_and_is_not_followed(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, receiver: Receiver, status: int
) -> None:
    await _forwarded(api)
    with receiving() as elsewhere:
        receiver.statuses, receiver.location = [status], elsewhere.url
        await forwarding.deliver_due(app.ctx.sessions, _http_settings(settings, receiver.url), clock())
        assert elsewhere.received == []
    package = await _package(app)
    assert (package.delivery.state, package.delivery.last_error) == ("pending", f"http {status}")


async def test_smtp_without_starttls_gets_nothing(
    api: Api, app: Sanic, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    with smtp_server(tmp_path, starttls=False) as server:
        await _forwarded(api)
        smtp = settings.model_copy(
            update={
                "forward_smtp_host": "127.0.0.1",
                "forward_smtp_port": server.port,
                "forward_smtp_user": "lotse",
                "forward_smtp_password": "mail-secret",
                "forward_mail_to": "zentralstelle@example.test",
            }
        )
        await forwarding.deliver_due(app.ctx.sessions, smtp, clock())
    assert server.messages == [] and server.logins == []
    package = await _package(app)
    assert (package.delivery.state, package.delivery.last_error) == ("pending", "smtp: server offers no STARTTLS")


async def test_smtp_with_an_untrusted_certificate_gets_nothing(
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
                "forward_mail_to": "zentralstelle@example.test",
            }
        )
        await forwarding.deliver_due(app.ctx.sessions, smtp, clock())
    assert server.messages == [] and server.logins == []
    assert (await _package(app)).delivery.state == "pending"


def production(tmp_path: Path, **values: object) -> Settings:
    return Settings(
        var_dir=tmp_path, database_url="postgresql+psycopg://lotse@db/lotse", profile="production", **values
    )


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"forward_url": "http://zentralstelle.example/cases", "forward_hmac_secret": SECRET}, "https://"),
        ({"forward_url": "https://zentralstelle.example/cases"}, "LOTSE_FORWARD_HMAC_SECRET"),
        ({"forward_smtp_host": "mail.example", "forward_mail_to": "z@example.test"}, "LOTSE_FORWARD_SMTP_USER"),
    ],
)
def test_production_refuses_an_unsafe_way_to_the_authority(tmp_path: Path, values: dict, complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        production(tmp_path, **values)


def test_production_accepts_https_with_a_secret(tmp_path: Path) -> None:
    settings = production(tmp_path, forward_url="https://zentralstelle.example/cases", forward_hmac_secret=SECRET)
    assert forwarding.target_of(settings) == "http"
