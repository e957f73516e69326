"""A private copy of the demo portfolio (with its two past snapshots) for each test that takes snapshots:
built once per session, copied per test (a file copy on SQLite, a template database on PostgreSQL)."""

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.conftest import ADMIN_EMAIL, TEST_POSTGRES_URL, _drop_postgres_database, _postgres_database

_COPIES = itertools.count(1)


@pytest.fixture(scope="session")
def snapshot_demo_template(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from portfolio.config import load_settings
    from portfolio.startup import prepare_database

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('snapdemo') / 'template.db'}"
    else:
        url = _postgres_database("snapdemo")
    engine = prepare_database(
        load_settings(database_url=url, demo_on_first_start=True, local_person_email=ADMIN_EMAIL)
    )
    if backend == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    yield url
    if backend == "postgresql":
        _drop_postgres_database(url)


@pytest.fixture
def demo_copy_url(backend: str, snapshot_demo_template: str, tmp_path: Path) -> Iterator[str]:
    """A demo portfolio this test may change."""
    if backend == "sqlite":
        path = tmp_path / "demo.db"
        shutil.copy(make_url(snapshot_demo_template).database, path)
        yield f"sqlite:///{path}"
        return
    template = make_url(snapshot_demo_template).database
    name = f"{template}_copy"
    admin = create_engine(
        make_url(TEST_POSTGRES_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    url = make_url(snapshot_demo_template).set(database=name).render_as_string(hide_password=False)
    # Each copy has the same address; move its revision on past every earlier copy's, so reads an app in this
    # process cached for an earlier test are never taken for this one's.
    copy = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with copy.begin() as connection:
        connection.execute(
            text("UPDATE portfolio_revision SET revision = revision + :step WHERE id = 1"),
            {"step": next(_COPIES) * 1_000_000},
        )
    copy.dispose()
    yield url
    _drop_postgres_database(url)
