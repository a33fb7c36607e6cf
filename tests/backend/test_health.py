from backend_harness import Api

NO_INSIGHTS_YET = {
    "last_fact_at": None,
    "consumer": "never_reported",
    "source": None,
    "backlog": None,
    "last_event_at": None,
    "consumer_reported_at": None,
}


async def test_health_answers_ok_json_without_a_token(api: Api) -> None:
    assert await api.call("", "GET", "/api/v1/health", 200) == {
        "status": "ok",
        "database": "ok",
        "insights": NO_INSIGHTS_YET,
    }


async def test_openapi_document_lists_the_ticket_routes(api: Api) -> None:
    document = await api.call("", "GET", "/api/v1/docs/openapi.json", 200)
    assert document["info"]["title"] == "Lotse partners' backend"
    assert {"/api/v1/tickets", "/api/v1/tickets/{reference}/transitions"} <= set(document["paths"])


async def test_openapi_request_bodies_come_from_the_pydantic_models(api: Api) -> None:
    document = await api.call("", "GET", "/api/v1/docs/openapi.json", 200)
    body = document["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/TicketSubmission"}
    schemas = document["components"]["schemas"]
    submission = schemas["TicketSubmission"]
    assert submission["additionalProperties"] is False
    assert set(submission["required"]) == {"reference", "case", "consent"}
    assert "contact_email" in schemas["Case"]["required"]
