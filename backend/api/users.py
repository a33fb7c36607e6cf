"""User management for admins of an organisation."""

from datetime import timedelta

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from backend.api import requests as req
from backend.api.openapi_docs import json_body
from backend.api.response_docs import answers
from backend.domain.permissions import Action
from backend.schemas import UserCreate
from backend.services import accounts
from backend.services.access import require_user_in_scope
from backend.services.errors import ApiError

users_bp = Blueprint("users", url_prefix="/api/v1/users")


@users_bp.get("/", ctx_action=Action.USER_LIST, strict_slashes=False)
@answers(200, "UserList")
async def list_users(request: Request) -> HTTPResponse:
    """Users of the admin's organisation."""
    caller = req.principal(request)
    async with req.transaction(request) as session:
        users = await accounts.users_of(session, caller.organisation or "")
        return json({"items": [accounts.user_json(user) for user in users]})


@users_bp.post("/", ctx_action=Action.USER_CREATE, strict_slashes=False)
@json_body(UserCreate)
@answers(201, "CreatedUser")
async def create_user(request: Request) -> HTTPResponse:
    """Create a user in the admin's organisation; the password and token are shown only here."""
    caller = req.principal(request)
    new_user = req.body(request, UserCreate)
    password, token, now = accounts.new_password(), accounts.new_token(), req.now(request)
    async with req.transaction(request) as session:
        try:
            user = await accounts.create_user(
                session,
                username=new_user.username,
                role=new_user.role,
                organisation=caller.organisation,
                actor=caller.username,
                now=now,
                password=password,
            )
        except accounts.AccountError as error:
            raise ApiError(409, "user_not_created", str(error)) from error
        lifetime = timedelta(days=request.app.ctx.settings.api_token_days)
        await accounts.add_token(session, user, token, now, now + lifetime)
        created = accounts.user_json(user)
    return json({**created, "password": password, "api_token": token}, status=201)


@users_bp.post("/<username>/deactivate", ctx_action=Action.USER_DEACTIVATE)
@answers(200, "User")
async def deactivate_user(request: Request, username: str) -> HTTPResponse:
    """Deactivate a user of the admin's organisation (and revoke their tokens)."""
    caller = req.principal(request)
    async with req.transaction(request) as session:
        user = require_user_in_scope(caller, Action.USER_DEACTIVATE, await accounts.find_user(session, username))
        if user.id == caller.user_id:
            raise ApiError(409, "cannot_deactivate_self", "Admins cannot deactivate themselves.")
        await accounts.deactivate(session, user, caller.username, req.now(request))
        return json(accounts.user_json(user))


@users_bp.post("/<username>/tokens/revoke", ctx_action=Action.USER_REVOKE_TOKENS)
@answers(200, "TokensRevoked")
async def revoke_tokens(request: Request, username: str) -> HTTPResponse:
    """Revoke every API token of a user of the admin's organisation."""
    caller = req.principal(request)
    async with req.transaction(request) as session:
        user = require_user_in_scope(caller, Action.USER_REVOKE_TOKENS, await accounts.find_user(session, username))
        revoked = await accounts.revoke_tokens(session, user, caller.username, req.now(request))
    return json({"username": username, "revoked": revoked})
