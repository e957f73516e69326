"""Alembic environment. Run through `portfolio db upgrade` (or automatically on app start), which hands
over the engine; plain `alembic` commands use PORTFOLIO_DATABASE_URL."""

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import portfolio.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from portfolio.search import made_by_migration

config = context.config
target_metadata = SQLModel.metadata

# Any fixed number: several app processes sharing one PostgreSQL must not migrate at the same time.
MIGRATION_LOCK_ID = 7_305_112


def _engine():
    engine = config.attributes.get("engine")
    if engine is None:
        from portfolio.config import load_settings
        from portfolio.db import make_engine

        engine = make_engine(load_settings().effective_database_url)
    return engine


def _sqlite_foreign_keys(connection, on: bool) -> None:
    """SQLite alters a table by copying it and dropping the original; with foreign keys on, that drop would
    cascade and delete every dependent row. The pragma only works outside a transaction, so it goes straight
    to the driver before SQLAlchemy begins one."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        is_postgres = connection.dialect.name == "postgresql"
        is_sqlite = connection.dialect.name == "sqlite"
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            connection.commit()
        if is_sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                include_name=lambda name, type_, parents: not made_by_migration(name),
            )
            with context.begin_transaction():
                context.run_migrations()
            if is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if broken:
                    raise RuntimeError(f"Migration left rows pointing at missing rows: {broken[:5]}")
        finally:
            if is_sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)
            if is_postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run against a database.")
run_migrations_online()
