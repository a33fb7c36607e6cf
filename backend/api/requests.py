"""What handlers need from a request: the caller, a transaction, validated input, the time."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from types import SimpleNamespace
from typing import TypeVar

from pydantic import BaseModel
from sanic import Request, Sanic
from sanic.config import Config
from sqlalchemy.ext.asyncio import AsyncSession

from backend.services.accounts import Principal
from backend.services.errors import ApiError
from backend.services.tickets import Clocks

Model = TypeVar("Model", bound=BaseModel)
App = Sanic[Config, SimpleNamespace]


def principal(request: Request) -> Principal:
    caller: Principal = request.ctx.principal
    return caller


@asynccontextmanager
async def transaction(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.ctx.sessions() as session, session.begin():
        yield session


def now(request: Request) -> datetime:
    moment: datetime = request.app.ctx.clock()
    return moment


def clocks(request: Request) -> Clocks:
    return Clocks(now=now(request), first_response_target=request.app.ctx.first_response_target)


def body(request: Request, model: type[Model]) -> Model:
    if len(request.body) > request.app.ctx.settings.max_request_bytes:
        raise ApiError(413, "payload_too_large", "The request body is too large.")
    if not request.body:
        raise ApiError(400, "body_required", "A JSON body is required.")
    return model.model_validate_json(request.body)


def query(request: Request, model: type[Model]) -> Model:
    """Query parameters; a repeated parameter is refused rather than silently cut to one value."""
    repeated = sorted(name for name, values in request.args.items() if len(values) > 1)
    if repeated:
        raise ApiError(422, "repeated_parameter", "Give each query parameter once.", repeated)
    return model.model_validate({name: values[0] for name, values in request.args.items()})
