"""The bot side's local state under `LOTSE_VAR_DIR`: SQLite files readable by their owner only, and
keyed pseudonyms for identifiers that name a person (phone numbers, chat ids, conversation ids).

A plain SHA-256 of a phone number is no pseudonym: the numbers are few enough to hash them all. The
pseudonyms here are HMAC-SHA256 with `LOTSE_PSEUDONYM_SECRET`, or else with a random secret made on
first use in `<var>/pseudonym-secret` (mode 600), shared by every process of the stack."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PSEUDONYM_SECRET_FILE = "pseudonym-secret"
OWNER_ONLY = 0o600


def var_dir() -> Path:
    return Path(os.environ.get("LOTSE_VAR_DIR") or REPO_ROOT / "var")


def private_file(path: Path) -> Path:
    """Creates the file (and its folder) readable and writable by the owner only, and narrows an
    existing one to that; SQLite gives a database's -wal and -shm files the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))
    except FileExistsError:
        os.chmod(path, OWNER_ONLY)
    return path


@lru_cache(maxsize=None)
def _secret(var: Path, configured: str) -> bytes:
    if configured:
        return configured.encode("utf-8")
    path = var / PSEUDONYM_SECRET_FILE
    if not path.exists():
        _publish_new_secret(path)
    return path.read_bytes().strip()


def _publish_new_secret(path: Path) -> None:
    """Written aside, then linked in place: of two processes starting together, one secret wins whole."""
    draft = private_file(path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}"))
    try:
        draft.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def pseudonym_secret() -> bytes:
    return _secret(var_dir(), os.environ.get("LOTSE_PSEUDONYM_SECRET", ""))


def pseudonym(identifier: str, purpose: str) -> str:
    """A stable keyed pseudonym of `identifier`; `purpose` keeps one store's keys from matching another's."""
    return hmac.new(pseudonym_secret(), f"{purpose}:{identifier}".encode("utf-8"), hashlib.sha256).hexdigest()
