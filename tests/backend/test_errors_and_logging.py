"""D10: JSON errors without tracebacks, body size limit; logs without personal data or tokens."""

import logging

import pytest
from backend_harness import Api
from ticket_bodies import FULL_BODY, ticket_body

from backend.services import tickets


async def test_unexpected_error_is_a_bare_500_without_traceback_or_message(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom for erika@tischlerei-beispiel.de")

    monkeypatch.setattr(tickets, "submit", explode)
    with caplog.at_level(logging.INFO):
        response = await api.client.post("/api/v1/tickets", json=FULL_BODY, headers=api.accounts["bot"].headers)
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_error", "message": "Internal error.", "details": []}}
    assert "Traceback" not in response.text and "boom" not in response.text
    assert "RuntimeError" in caplog.text
    assert "erika@" not in caplog.text


async def test_oversized_body_is_413_json(api: Api) -> None:
    body = ticket_body(company_name="x" * 200)
    body["padding"] = "y" * 300_000
    error = await api.create(body, expect=413)
    assert error["error"]["code"] == "payload_too_large"


async def test_empty_body_is_a_400_json_error(api: Api) -> None:
    error = await api.call("bot", "POST", "/api/v1/tickets", 400)
    assert error["error"] == {"code": "body_required", "message": "A JSON body is required.", "details": []}


async def test_unknown_route_and_wrong_method_are_json_errors(api: Api) -> None:
    missing = await api.call("hwk", "GET", "/api/v1/nothing-here", 404)
    assert missing["error"]["code"] == "not_found"
    wrong_method = await api.call("hwk", "DELETE", "/api/v1/tickets", 405)
    assert wrong_method["error"]["code"] == "method_not_allowed"


async def test_access_log_has_route_and_status_but_no_query_names_or_tokens(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await api.create(FULL_BODY)
        await api.call("hwk", "GET", "/api/v1/tickets", 200, params={"q": "Mustermann"})
        await api.call("hwk_admin", "POST", "/api/v1/users/hwk-2/tokens/revoke", 200)
    access = [record.getMessage() for record in caplog.records if record.name == "backend.access"]
    assert access == [
        "POST /api/v1/tickets 201",
        "GET /api/v1/tickets 200",
        "POST /api/v1/users/<username:str>/tokens/revoke 200",
    ]
    server_log = "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("httpx"))
    for secret in ("Mustermann", "erika@", "Tischlerei", "hwk-2", api.accounts["bot"].token, api.accounts["hwk"].token):
        assert secret not in server_log
