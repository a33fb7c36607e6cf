"""Response schemas for the OpenAPI document: what each API route answers, so that clients and the
schema tests (tests/backend/test_api_schema.py, schemathesis) can hold the backend to it. Every route
answers errors as `Error` (`backend.api.errors`)."""

from collections.abc import Callable
from typing import Any, TypeVar

from sanic_ext import openapi

Handler = TypeVar("Handler", bound=Callable[..., Any])
REF_TEMPLATE = "#/components/schemas/{model}"


def _text(nullable: bool = False) -> dict[str, Any]:
    return {"type": "string", "nullable": True} if nullable else {"type": "string"}


def _object(properties: dict[str, Any], *, closed: bool = True) -> dict[str, Any]:
    """Every listed property is required; a closed object has no others."""
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": not closed,
    }


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


_ENTRY = _object({"item": _text(), "state": _text()})
_USER = {"username": _text(), "organisation": _text(nullable=True), "role": _text(), "active": {"type": "boolean"}}
_ORG = _nullable(_object({"id": _text(), "name": _text()}))

RESPONSE_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _object(
        {"error": _object({"code": _text(), "message": _text(), "details": {"type": "array"}})},
    ),
    "Health": _object(
        {
            "status": _text(),
            "database": _text(),
            "insights": _object(
                {
                    "last_fact_at": _text(nullable=True),
                    "consumer": {"type": "string", "enum": ["reporting", "stale", "never_reported"]},
                    "source": _text(nullable=True),
                    "backlog": {"type": "integer", "nullable": True},
                    "last_event_at": _text(nullable=True),
                    "consumer_reported_at": _text(nullable=True),
                }
            ),
        }
    ),
    "Ticket": _object(
        {
            "reference": _text(),
            "status": _text(),
            "outcome": _text(nullable=True),
            "language": _text(),
            "case": {"type": "object"},
            "routing": _object(
                {"pre_check_org": _ORG, "recognition_body": _ORG, "forward_to": _ORG, "after_entry_office": _ORG},
                closed=False,
            ),
            "checklist": {"type": "array", "items": _ENTRY},
            "no_prospect": _object({"flag": {"type": "boolean"}, "reasons": {"type": "array", "items": _text()}}),
            "consent": {"type": "object"},
            "assignee": _text(nullable=True),
            "created_at": _text(),
            "updated_at": _text(),
            "overdue": {"type": "boolean"},
            "first_response": _object(
                {"due_at": _text(), "responded_at": _text(nullable=True), "overdue": {"type": "boolean"}}
            ),
            "forwarded_at": _text(nullable=True),
            "closed_at": _text(nullable=True),
            "statutory_clocks": _nullable({"type": "object"}),
            "personal_data_removed": _nullable(_object({"at": _text(), "kind": _text()})),
            "erasure_requested_at": _text(nullable=True),
        }
    ),
    "TicketStatus": _object({"reference": _text(), "status": _text(), "updated_at": _text()}),
    "CandidateView": _object({"status": _text(), "missing_documents": {"type": "array", "items": _ENTRY}}),
    "CandidateLinkCode": _object({"reference": _text(), "candidate_link_code": _text(nullable=True)}),
    "Comment": _object(
        {
            "id": {"type": "integer"},
            "author": _text(),
            "body": _text(nullable=True),
            "body_removed": {"type": "boolean"},
            "created_at": _text(),
        }
    ),
    "AuditEvent": _object(
        {
            "action": _text(),
            "actor": _text(),
            "at": _text(),
            "before": _nullable({"type": "object"}),
            "after": _nullable({"type": "object"}),
        }
    ),
    "User": _object(_USER),
    "CreatedUser": _object(_USER | {"password": _text(), "api_token": _text()}),
    "TokensRevoked": _object({"username": _text(), "revoked": {"type": "integer"}}),
    "FactsStored": _object({"stored": {"type": "integer"}, "duplicates": {"type": "integer"}}),
    "ConsumerStatusRecorded": _object({"recorded": {"type": "boolean"}}),
    "ErasureOutcome": _object(
        {
            "erased": {"type": "array", "items": _text()},
            "marked_for_staff": {"type": "array", "items": _text()},
            "unknown": {"type": "array", "items": _text()},
        }
    ),
}
RESPONSE_SCHEMAS |= {
    "TicketPage": _object(
        {
            "items": {"type": "array", "items": {"$ref": REF_TEMPLATE.format(model="Ticket")}},
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        }
    ),
    "CommentList": _object({"items": {"type": "array", "items": {"$ref": REF_TEMPLATE.format(model="Comment")}}}),
    "AuditTrail": _object({"items": {"type": "array", "items": {"$ref": REF_TEMPLATE.format(model="AuditEvent")}}}),
    "UserList": _object({"items": {"type": "array", "items": {"$ref": REF_TEMPLATE.format(model="User")}}}),
}


def _json(model: str) -> dict[str, Any]:
    return {"application/json": {"$ref": REF_TEMPLATE.format(model=model)}}


def answers(status: int, model: str, description: str = "") -> Callable[[Handler], Handler]:
    """Documents the route's success answer and its errors (any other status: `Error`)."""
    success = openapi.response(status, _json(model), description or model)
    errors = openapi.response("default", _json("Error"), "Error")

    def decorate(handler: Handler) -> Handler:
        return success(errors(handler))

    return decorate
