"""Engine and sessions: SQLite pragmas, PostgreSQL pre-ping, migrations on start."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from portfolio.errors import (
    Conflict,
    DatabaseBusy,
    DatabaseUnavailable,
    DataLossRefused,
    InvalidInput,
    PortfolioError,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, *, busy_timeout_ms: int = 10_000) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise database_fault(error, url) from error
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


# --- database faults as sentences -----------------------------------------------------------------------------
# One place turns what the drivers raise into what a person can act on; the app and the command line both
# show these (the app through portfolio.ui.context, the command line through portfolio.cli).

NOTHING_SAVED = "nothing was saved"


def _sqlite_path(url: str) -> str:
    return make_url(url).database or "(in memory)"


def database_fault(error: BaseException, url: str | None = None) -> PortfolioError | None:
    """The PortfolioError a database fault means to the person using the tool, or None when `error` is not
    a fault of the database (a bug should surface as one)."""
    if isinstance(error, PortfolioError):
        return error
    where = describe(url) if url else "the portfolio database"
    sqlite = url is not None and make_url(url).get_backend_name() == "sqlite"
    original = getattr(error, "orig", None) or error
    reason = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    lowered = reason.lower()
    if isinstance(error, DataError):
        return InvalidInput(
            {
                "input": f"The database refused a value as too large or malformed ({reason}); {NOTHING_SAVED}. "
                "Check the numbers, dates and text you entered."
            }
        )
    if "database is locked" in lowered or "database table is locked" in lowered:
        return DatabaseBusy(
            f"The portfolio database is busy with another change; {NOTHING_SAVED}. Try again in a moment."
        )
    if "file is not a database" in lowered or "malformed" in lowered or "not a database" in lowered:
        return DatabaseUnavailable(
            f"The file {_sqlite_path(url) if sqlite and url else where} is not a portfolio database, or it is "
            f"damaged; {NOTHING_SAVED}. Point PORTFOLIO_DATABASE_URL at the right file, or restore a backup."
        )
    if (
        "readonly" in lowered
        or "read-only" in lowered
        or isinstance(original, PermissionError)
        or (sqlite and "unable to open database file" in lowered)
    ):
        path = _sqlite_path(url) if sqlite and url else where
        return DatabaseUnavailable(
            f"The portfolio database {path} cannot be written: the file or its folder is read-only, or the "
            f"folder does not exist; {NOTHING_SAVED}. Give the app write access to the folder holding it."
        )
    if isinstance(original, OSError):
        return DatabaseUnavailable(
            f"The portfolio database {where} cannot be opened ({reason}); {NOTHING_SAVED}."
        )
    if isinstance(error, SQLAlchemyError) and not sqlite and _unreachable(lowered):
        return DatabaseUnavailable(
            f"Cannot reach the portfolio database at {where} ({reason}); {NOTHING_SAVED}. Check that the "
            "database server is running and that PORTFOLIO_DATABASE_URL is right."
        )
    return None


def _unreachable(lowered: str) -> bool:
    if lowered.startswith(("database ", 'fatal:  database "')) and "does not exist" in lowered:
        return True
    return any(
        words in lowered
        for words in (
            "connection refused",
            "could not connect",
            "connection failed",
            "server closed the connection",
            "terminating connection",
            "could not translate host name",
            "name or service not known",
            "timeout expired",
            "connection timed out",
            "password authentication failed",
            "no route to host",
            "consuming input failed",
            "the connection is closed",
            "ssl syscall error",
        )
    )


def check_connection(engine: Engine) -> None:
    """Raise DatabaseUnavailable with a message a person can act on."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        fault = database_fault(error, str(engine.url))
        if fault is None:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            fault = DatabaseUnavailable(
                f"Cannot use the portfolio database at {describe(str(engine.url))}: {reason}."
            )
        raise fault from error


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    check_connection(engine)
    refuse_unknown_schema(engine)
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def known_revision(engine: Engine, revision: str | None) -> bool:
    """Whether this version of the app has a migration called `revision` (None: an empty database)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return True
    try:
        return ScriptDirectory.from_config(alembic_config(engine)).get_revision(revision) is not None
    except CommandError:
        return False


def refuse_unknown_schema(engine: Engine) -> None:
    """A database upgraded by a newer version of the app must not be touched by this one."""
    current = current_revision(engine)
    if not known_revision(engine, current):
        raise DatabaseUnavailable(
            f"The database {describe(str(engine.url))} is at schema revision {current}, which this version of "
            f"the app does not know (its newest is {head_revision(engine)}): a newer version has upgraded it. "
            "Use that newer version, or restore a backup taken before the upgrade."
        )


# --- downgrades that would lose data ---------------------------------------------------------------------------
# Each migration declares what its downgrade deletes: DATA_LOST_ON_DOWNGRADE maps a table to None (the whole
# table) or to the columns it drops (optionally with the condition under which a value matters, such as
# "publish = true"). A migration that does not declare it is treated as losing data.


def _steps_down(engine: Engine, target: str) -> list[Any]:
    """The migration scripts a downgrade from the current revision to `target` would undo, newest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    current = current_revision(engine)
    if current is None:
        return []
    destination = None if target == "base" else target
    if target.startswith("-") and target[1:].isdigit():
        steps = list(scripts.iterate_revisions(current, "base"))
        return steps[: int(target[1:])]
    if destination is not None and not known_revision(engine, destination):
        raise InvalidInput({"revision": f"There is no schema revision {target}; see `portfolio db current`."})
    return [s for s in scripts.iterate_revisions(current, destination or "base") if s.revision != destination]


def data_lost_by_downgrade(engine: Engine, target: str) -> list[str]:
    """What a downgrade to `target` would delete, one line per table or column holding data."""
    from sqlalchemy import inspect

    lost: list[str] = []
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for script in _steps_down(engine, target):
            declared = getattr(script.module, "DATA_LOST_ON_DOWNGRADE", None)
            if declared is None:
                lost.append(f"revision {script.revision} does not say what its downgrade removes")
                continue
            for table, columns in declared.items():
                if table not in tables:
                    continue
                if columns is None:
                    rows = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
                    if rows:
                        lost.append(
                            f"{_count(rows, 'row')} of {table} (revision {script.revision} drops the table)"
                        )
                    continue
                for column in columns:
                    # A column, or a condition saying which of its values carry information ("publish = true").
                    name, _, condition = column.partition(" ")
                    where = f'"{name}" {condition}' if condition else f'"{name}" IS NOT NULL'
                    rows = connection.execute(
                        text(f'SELECT count(*) FROM "{table}" WHERE {where}')
                    ).scalar_one()
                    if rows:
                        lost.append(f"{_count(rows, 'value')} of {table}.{name} (revision {script.revision})")
    return lost


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def downgrade(engine: Engine, revision: str = "base", *, allow_data_loss: bool = False) -> None:
    """Take the schema back to `revision`. Refuses a step that would delete stored data unless allowed."""
    from alembic import command

    check_connection(engine)
    refuse_unknown_schema(engine)
    if not allow_data_loss:
        lost = data_lost_by_downgrade(engine, revision)
        if lost:
            raise DataLossRefused(
                f"Downgrading to {revision} would delete: " + "; ".join(lost) + ". Nothing was changed. "
                "Take a backup, then run it again with --allow-data-loss if that is what you want."
            )
    command.downgrade(alembic_config(engine), revision)


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
        except (SQLAlchemyError, OSError) as error:
            session.rollback()
            fault = database_fault(error, str(engine.url))
            if fault is None:
                raise
            raise fault from error
        except BaseException:
            session.rollback()
            raise
