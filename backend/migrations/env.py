"""Alembic environment: a sync engine on the URL given by `backend.database.migrate`."""

from alembic import context
from sqlalchemy import create_engine

from backend.database.engine import sync_url
from backend.database.models import Base
from backend.settings import Settings


def _database_url() -> str:
    configured = context.config.get_main_option("sqlalchemy.url")
    return configured or Settings().database_url


def run_migrations_online() -> None:
    engine = create_engine(sync_url(_database_url()))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
