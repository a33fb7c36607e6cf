"""Command line: `python -m backend serve | create-user | rotate-token | retention | migrate`."""

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

from backend.app import create_app
from backend.database.engine import Database, Sessions
from backend.database.migrate import upgrade_to_head
from backend.domain.organisations import ORGANISATIONS
from backend.domain.permissions import Role
from backend.schemas import Username
from backend.services import accounts
from backend.services.clock import utc_now
from backend.services.dev_credentials import ensure_dev_accounts
from backend.services.insights import purge_old_facts
from backend.services.retention import run_retention
from backend.settings import Settings

CLI_ACTOR = "system:cli"
Result = TypeVar("Result")


def _username(value: str) -> str:
    try:
        return str(TypeAdapter(Username).validate_python(value))
    except ValidationError as error:
        raise argparse.ArgumentTypeError("3-64 characters: lower-case letters, digits, '.', '_', '-'") from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend", description="Lotse partners' backend")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="apply migrations and run the API server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    create_user = commands.add_parser("create-user", help="create an account; prints its password and token once")
    create_user.add_argument("--org", choices=sorted(ORGANISATIONS), help="required except for --role bot")
    create_user.add_argument("--role", choices=[role.value for role in Role], required=True)
    create_user.add_argument("--username", required=True, type=_username)
    commands.add_parser(
        "retention", help="anonymise closed tickets and delete conversation facts past their retention, once"
    )
    rotate = commands.add_parser("rotate-token", help="revoke an account's API tokens; prints a new one once")
    rotate.add_argument("--username", required=True, type=_username)
    commands.add_parser("migrate", help="apply the database migrations, once (a deployment's migration job)")
    return parser


def _with_sessions(settings: Settings, work: Callable[[Sessions], Awaitable[Result]]) -> Result:
    async def run() -> Result:
        database = Database(settings.database_url)
        try:
            return await work(database.sessions)
        finally:
            await database.dispose()

    return asyncio.run(run())


def prepare_database(settings: Settings) -> None:
    """Migrations, then (dev profile only) the development accounts and their credentials file."""
    upgrade_to_head(settings.database_url)
    if settings.profile == "dev":
        _with_sessions(settings, lambda sessions: ensure_dev_accounts(sessions, settings.credentials_file, utc_now()))


def serve(settings: Settings, host: str, port: int) -> None:
    prepare_database(settings)
    app = create_app(settings)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)


def create_user(settings: Settings, org: str | None, role: Role, username: str) -> int:
    upgrade_to_head(settings.database_url)
    password = None if role is Role.BOT else accounts.new_password()
    token = accounts.new_token()

    async def work(sessions: Sessions) -> None:
        now = utc_now()
        async with sessions() as session, session.begin():
            user = await accounts.create_user(
                session, username=username, role=role, organisation=org, actor=CLI_ACTOR, now=now, password=password
            )
            await accounts.add_token(session, user, token, now, now + timedelta(days=settings.api_token_days))

    try:
        _with_sessions(settings, work)
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        json.dumps(
            {"username": username, "organisation": org, "role": role.value, "password": password, "api_token": token},
            indent=2,
        )
    )
    print("Shown once: store the password and token now.", file=sys.stderr)
    return 0


def rotate_token(settings: Settings, username: str) -> int:
    upgrade_to_head(settings.database_url)
    lifetime = timedelta(days=settings.api_token_days)
    now = utc_now()

    async def work(sessions: Sessions) -> str | None:
        async with sessions() as session, session.begin():
            user = await accounts.find_user(session, username)
            if user is None or not user.active:
                return None
            return await accounts.rotate_token(session, user, CLI_ACTOR, now, lifetime)

    token = _with_sessions(settings, work)
    if token is None:
        print(f"error: no active account {username}", file=sys.stderr)
        return 2
    print(json.dumps({"username": username, "api_token": token, "expires_at": (now + lifetime).isoformat()}, indent=2))
    print("Shown once: store the token now; the old ones no longer work.", file=sys.stderr)
    return 0


def retention(settings: Settings) -> int:
    upgrade_to_head(settings.database_url)
    references = _with_sessions(
        settings,
        lambda sessions: run_retention(
            sessions, utc_now(), settings.retention_days, settings.open_ticket_retention_days
        ),
    )
    print(
        f"anonymised {len(references)} ticket(s): closed more than {settings.retention_days} days ago"
        f" or open and created more than {settings.open_ticket_retention_days} days ago"
    )
    days = settings.insights_retention_days
    purged = _with_sessions(settings, lambda sessions: purge_old_facts(sessions, utc_now().date(), days))
    print(f"deleted {purged} conversation fact(s) older than {days} days")
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Lotse backend refuses these settings: {error.errors()[0]['msg']}", file=sys.stderr)
        return 2
    if arguments.command == "serve":
        serve(settings, arguments.host, arguments.port)
        return 0
    if arguments.command == "create-user":
        return create_user(settings, arguments.org, Role(arguments.role), arguments.username)
    if arguments.command == "rotate-token":
        return rotate_token(settings, arguments.username)
    if arguments.command == "migrate":
        prepare_database(settings)
        return 0
    return retention(settings)


if __name__ == "__main__":
    sys.exit(main())
