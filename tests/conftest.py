"""Shared fixtures. Every database test runs on SQLite and, when PORTFOLIO_TEST_DATABASE_URL names a
PostgreSQL database, on PostgreSQL too (CI always sets it)."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import Session, SQLModel

from portfolio import db
from portfolio.services import assessments, gates, people
from portfolio.services.audit import Actor
from portfolio.ui import charts

# Every chart a page test draws is checked against the Vega-Lite schema (the app skips the check).
charts.CHECK_AGAINST_SCHEMA = True

TEST_POSTGRES_URL = os.environ.get("PORTFOLIO_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", *(["postgresql"] if TEST_POSTGRES_URL else [])]
ADMIN_EMAIL = "admin@example.org"


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_database(suffix: str) -> str:
    """A fresh database on the test server, named after the test database, this worker and `suffix`."""
    base = make_url(TEST_POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"{base.database}_{_worker()}_{suffix}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(
        parsed.set(database=make_url(TEST_POSTGRES_URL).database), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


# A test on a database: its file, and the database its id starts with (`test_x[postgresql-...]`).
_DATABASE_TEST = re.compile(r"(?P<file>[^:]+)::[^\[]*\[(?P<backend>sqlite|postgresql)[-\]]")


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before pytest-xdist's own choice; xdist may be absent
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """With several workers (`make test`, or `pytest -n N`): the tests of one folder on one database go to a
    worker together, in their usual order, and the others one by one. A worker switching between SQLite and
    PostgreSQL tests would tear down and rebuild every session-wide fixture (migrated template, demo, app
    server) at each switch. An explicit `--dist` other than `load` is left as asked."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FolderAndDatabaseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            match = _DATABASE_TEST.match(nodeid)
            return f"{Path(match['file']).parent}[{match['backend']}]" if match else nodeid

    return FolderAndDatabaseScheduling(config, log)


@pytest.fixture(scope="session")
def migrated_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per session: a template file for SQLite, a database for PostgreSQL."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite:///{path}"
        engine = db.make_engine(url)
        db.upgrade(engine)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        yield url
    else:
        url = _postgres_database("tests")
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        yield url
        _drop_postgres_database(url)


def _reset_postgres(engine: Engine) -> None:
    """Empty every table. The revision counter keeps counting up, as in real life, so reads that an app in
    this process cached for an earlier test are never taken for current."""
    tables = ", ".join(
        f'"{t.name}"' for t in SQLModel.metadata.sorted_tables if t.name != "portfolio_revision"
    )
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text("UPDATE portfolio_revision SET revision = revision + 1 WHERE id = 1"))


@pytest.fixture
def database_url(backend: str, migrated_url: str, tmp_path: Path) -> str:
    """An empty database at the newest schema, private to this test."""
    if backend == "sqlite":
        path = tmp_path / "portfolio.db"
        shutil.copy(make_url(migrated_url).database, path)
        return f"sqlite:///{path}"
    engine = create_engine(migrated_url)
    _reset_postgres(engine)
    engine.dispose()
    return migrated_url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def admin(engine: Engine) -> Actor:
    """A person with every role, and the default scoring model."""
    with db.unit_of_work(engine) as session:
        assessments.ensure_default_scoring_model(session)
        gates.ensure_default_checklists(session)
        return people.ensure_local_person(session, email=ADMIN_EMAIL, name="Test Administrator")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A read session."""
    with Session(engine) as session:
        yield session


@pytest.fixture(scope="session")
def demo_url(backend: str, migrated_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database holding the demo portfolio, shared by the tests that only read it."""
    from portfolio.config import load_settings
    from portfolio.startup import prepare_database

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    else:
        url = _postgres_database("demo")
    engine = prepare_database(
        load_settings(database_url=url, demo_on_first_start=True, local_person_email=ADMIN_EMAIL)
    )
    engine.dispose()
    yield url
    if backend == "postgresql":
        _drop_postgres_database(url)


def counts(engine: Engine) -> dict[str, int]:
    """Rows per table: a write that failed must leave these unchanged."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name != "portfolio_revision"
        }
