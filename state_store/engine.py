"""Engines chosen by URL and schemas with a version.

`LOTSE_BOT_STATE_URL` (e.g. `postgresql://lotse@db/lotse_bot`) puts every store that uses this layer
into one PostgreSQL database shared by all replicas; unset, each store is its own SQLite file under
`var/`. On SQLite every transaction takes the write lock first (BEGIN IMMEDIATE), the single-writer
equivalent of PostgreSQL's row locks: a claim made by one process is seen by the next."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Sequence, Tuple

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import QueuePool

from state_store.local_state import private_file

STATE_URL_VARIABLE = "LOTSE_BOT_STATE_URL"
SQLITE_BUSY_TIMEOUT_SECONDS = 30
SCHEMA_LOCK_KEY = 0x4C6F747365  # pg_advisory_xact_lock: replicas starting together create tables one at a time

metadata = MetaData()
schema_versions = Table(
    "lotse_schema_versions",
    metadata,
    Column("store", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
)


class SchemaTooNew(RuntimeError):
    """The database holds a newer schema than this code knows: an older replica must not write to it."""


def state_url(sqlite_file: Path) -> str:
    """The shared database's URL when set, else the store's own SQLite file."""
    return os.environ.get(STATE_URL_VARIABLE) or f"sqlite:///{sqlite_file}"


@functools.lru_cache(maxsize=None)
def engine_for(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed.set(drivername="postgresql+psycopg2"), future=True, pool_pre_ping=True)
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(f"unsupported database for the bot's state: {parsed.get_backend_name()}")
    if parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))
        # A pool keeps the file open between transactions (SQLAlchemy 1.4 would open and close it for
        # each, several times per turn in the Rasa server); what SQLAlchemy 2.0 does by default.
        engine = create_engine(
            parsed,
            future=True,
            poolclass=QueuePool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
    else:
        engine = create_engine(parsed, future=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
    _take_the_write_lock_first(engine)
    return engine


def _take_the_write_lock_first(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@functools.lru_cache(maxsize=None)
def prepared_engine(
    url: str,
    store: str,
    version: int,
    tables: Sequence[Table],
    upgrades: Sequence[Tuple[int, str]] = (),
) -> Engine:
    """The engine, once the store's tables exist at `version`: created when missing; a database at an
    older version is brought up by `upgrades` (pairs of the version a statement reaches and the
    statement, e.g. `ALTER TABLE … ADD COLUMN`, valid on SQLite and PostgreSQL), in order, in the same
    transaction. (A tuple: the engines are cached by their arguments.)"""
    engine = engine_for(url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        metadata.create_all(connection, tables=[schema_versions, *tables])
        found = connection.execute(select(schema_versions.c.version).where(schema_versions.c.store == store)).scalar()
        if found is None:
            connection.execute(schema_versions.insert().values(store=store, version=version))
        elif found > version:
            raise SchemaTooNew(f"the {store} store has schema version {found}; this code knows {version}")
        elif found < version:
            for _, statement in sorted(step for step in upgrades if found < step[0] <= version):
                connection.execute(text(statement))
            connection.execute(schema_versions.update().where(schema_versions.c.store == store).values(version=version))
    return engine


def hold_lock(connection: Connection, name: str) -> None:
    """Serialises the transactions that name the same lock, until the transaction ends: a
    transaction-scoped advisory lock on PostgreSQL; on SQLite the transaction holds the one write lock already."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name})


def insert_for(connection: Connection, table: Table) -> Any:
    """`INSERT` with the dialect's `ON CONFLICT` clauses (`on_conflict_do_nothing`/`…_do_update`)."""
    dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table)


def adopt_legacy_table(engine: Engine, legacy: str, copy: str, **values: Any) -> None:
    """Moves the rows of a table that a store wrote into its SQLite file before it used this layer
    (`copy`: an `INSERT … SELECT … FROM <legacy>`), then drops that table; nothing to do elsewhere."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        if inspect(connection).has_table(legacy):
            connection.execute(text(copy), values)
            connection.execute(text(f'DROP TABLE "{legacy}"'))
