"""Request schemas for the OpenAPI document, taken from the pydantic models themselves."""

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from sanic_ext import openapi

from backend.api.requests import App
from backend.api.response_docs import RESPONSE_SCHEMAS

REF_TEMPLATE = "#/components/schemas/{model}"
_schemas: dict[str, Any] = {}
Handler = TypeVar("Handler", bound=Callable[..., Any])


def json_body(model: type[BaseModel]) -> Callable[[Handler], Handler]:
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    _schemas.update(schema.pop("$defs", {}))
    _schemas[model.__name__] = schema
    decorate: Callable[[Handler], Handler] = openapi.body(
        {"application/json": {"$ref": REF_TEMPLATE.format(model=model.__name__)}}, required=True
    )
    return decorate


def describe_api(app: App) -> None:
    app.ext.openapi.describe("Lotse partners' backend", version="1")
    app.ext.openapi.raw({"components": {"schemas": _schemas | RESPONSE_SCHEMAS}})  # type: ignore[no-untyped-call]
    app.ext.openapi.add_security_scheme("token", "http", bearer_format="opaque", description="API token")
    app.ext.openapi.secured("token")
