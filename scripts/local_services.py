"""This host's PostgreSQL, Redis and RabbitMQ for the scaled profile (`make run-scaled`, its test and
its benchmark): every production variable left unset gets the local service, the databases named
that way are created when missing, and the bot's backend account is made once, its token kept in
`<var>/bot-api-token` (mode 600). Variables set by the operator are used as they are.
Standard library only; uses the PostgreSQL client programs (createdb, dropdb, psql).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Dict, List, Mapping

REPO = Path(__file__).resolve().parent.parent
BACKEND_PYTHON = REPO / ".venv-backend" / "bin" / "python"
POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER = "127.0.0.1", "5432", "postgres"
BOT_ACCOUNT = "lotse-bot"
BOT_TOKEN_FILE = "bot-api-token"
LOCAL_DATABASES = "LOTSE_LOCAL_DATABASES"  # the databases this module made defaults for, comma-separated


def defaults(prefix: str) -> Dict[str, str]:
    """The production profile's variables on this host's services, databases named `<prefix>_…`."""
    postgres = f"{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}"
    return {
        "DATABASE_URL": f"postgresql+psycopg://{postgres}/{prefix}_backend",
        "LOTSE_BOT_STATE_URL": f"postgresql://{postgres}/{prefix}_state",
        "LOTSE_TRACKER_DB_HOST": POSTGRES_HOST,
        "LOTSE_TRACKER_DB_PORT": POSTGRES_PORT,
        "LOTSE_TRACKER_DB_NAME": f"{prefix}_tracker",
        "LOTSE_TRACKER_DB_USER": POSTGRES_USER,
        "LOTSE_TRACKER_DB_PASSWORD": "",
        "LOTSE_REDIS_HOST": "127.0.0.1",
        "LOTSE_REDIS_PORT": "6379",
        "LOTSE_RABBITMQ_HOST": "127.0.0.1",
        "LOTSE_RABBITMQ_USER": "guest",
        "LOTSE_RABBITMQ_PASSWORD": "guest",
    }


def prepare(prefix: str, var_dir: Path, environ: Mapping[str, str]) -> Dict[str, str]:
    """The variables the stack needs on top of `environ`: local defaults, databases, the bot's token."""
    chosen = {name: value for name, value in defaults(prefix).items() if name not in environ}
    databases = [
        name
        for variable, name in (
            ("DATABASE_URL", f"{prefix}_backend"),
            ("LOTSE_BOT_STATE_URL", f"{prefix}_state"),
            ("LOTSE_TRACKER_DB_NAME", f"{prefix}_tracker"),
        )
        if variable in chosen
    ]
    for database in databases:
        create_database(database)
    chosen[LOCAL_DATABASES] = ",".join(databases)
    if not environ.get("LOTSE_BOT_API_TOKEN"):
        chosen["LOTSE_BOT_API_TOKEN"] = bot_token(var_dir, {**environ, **chosen})
    return chosen


def psql(database: str, statement: str) -> str:
    done = subprocess.run(
        ["psql", "-h", POSTGRES_HOST, "-p", POSTGRES_PORT, "-U", POSTGRES_USER, "-d", database, "-tAc", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def create_database(name: str) -> None:
    if psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        subprocess.run(["createdb", "-h", POSTGRES_HOST, "-p", POSTGRES_PORT, "-U", POSTGRES_USER, name], check=True)


def drop_databases(environ: Mapping[str, str]) -> None:
    """The throw-away databases of a test or benchmark run (those `prepare` made)."""
    for name in filter(None, environ.get(LOCAL_DATABASES, "").split(",")):
        subprocess.run(
            ["dropdb", "-h", POSTGRES_HOST, "-p", POSTGRES_PORT, "-U", POSTGRES_USER, "--if-exists", "--force", name],
            check=True,
        )


def bot_token(var_dir: Path, environ: Mapping[str, str]) -> str:
    """The bot account's API token: kept from an earlier start, else a new account (or a new token
    for an account whose token file was lost)."""
    path = var_dir / BOT_TOKEN_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    env = {**environ, "LOTSE_PROFILE": "production", "PYTHONPATH": str(REPO)}
    made = backend_command(
        [str(BACKEND_PYTHON), "-m", "backend", "create-user", "--role", "bot", "--username", BOT_ACCOUNT], env
    )
    if made is None:
        made = backend_command([str(BACKEND_PYTHON), "-m", "backend", "rotate-token", "--username", BOT_ACCOUNT], env)
    if made is None:
        raise RuntimeError(f"could not make or renew the backend account {BOT_ACCOUNT}")
    var_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(made)
    return made


def backend_command(command: List[str], env: Mapping[str, str]) -> str | None:
    done = subprocess.run(command, cwd=REPO, env=dict(env), capture_output=True, text=True)
    return str(json.loads(done.stdout)["api_token"]) if done.returncode == 0 else None


def delete_queue(name: str) -> None:
    """A throw-away RabbitMQ queue (a test's or benchmark's insights consumer); gone already is fine."""
    subprocess.run(["rabbitmqctl", "-q", "delete_queue", name], capture_output=True)
