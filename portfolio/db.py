"""Engine and sessions: SQLite pragmas, PostgreSQL pre-ping, migrations on start."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from portfolio.errors import Conflict, DatabaseUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, *, busy_timeout_ms: int = 10_000) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    # pre_ping: a restarted server must not leave the app holding dead connections.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off so SQLAlchemy's BEGIN (below) is the one used.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a message a person can act on."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailable(
            f"Cannot reach the portfolio database at {describe(str(engine.url))}: {reason}. "
            "Check that the database server is running and that PORTFOLIO_DATABASE_URL is right."
        ) from error


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    check_connection(engine)
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def bump_revision(session: Session) -> None:
    session.execute(text("UPDATE portfolio_revision SET revision = revision + 1 WHERE id = 1"))


def read_revision(session: Session) -> int:
    return int(session.execute(text("SELECT revision FROM portfolio_revision WHERE id = 1")).scalar_one())


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A write: committed only if the block finishes; any error rolls everything back.

    Its first statement bumps the portfolio revision. That takes the write lock at the start (SQLite:
    writers queue behind the busy timeout instead of failing on a lock upgrade; PostgreSQL: a row lock)
    and tells every app process that cached reads are stale."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            bump_revision(session)
            yield session
            session.commit()
        except StaleDataError as error:
            session.rollback()
            raise Conflict(
                "Someone else changed this record while you were working on it. Reload to see their change, "
                "then make yours again."
            ) from error
        except IntegrityError as error:
            session.rollback()
            # Services validate first, so this is a race (e.g. the same key saved twice at once) or a bug.
            raise Conflict(
                "This change clashes with data already stored (perhaps the same thing was saved twice at once). "
                "Reload and try again."
            ) from error
        except BaseException:
            session.rollback()
            raise
