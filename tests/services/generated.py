"""A generated portfolio shared by the tests of one module that only read it (generating takes seconds)."""

import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, create_engine, make_url

from portfolio import db
from portfolio.demo.scale import generate_scale_portfolio
from portfolio.services import assessments, gates, people
from tests.conftest import ADMIN_EMAIL, _reset_postgres

TODAY = date(2026, 11, 23)


def generated_portfolio(
    backend: str, migrated_url: str, tmp_path_factory: pytest.TempPathFactory, size: int = 150
) -> Iterator[Engine]:
    """For a module-scoped fixture: `size` generated use cases as of TODAY, in a database of their own on
    SQLite, in the emptied test database on PostgreSQL."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("generated") / "portfolio.db"
        shutil.copy(make_url(migrated_url).database, path)
        url = f"sqlite:///{path}"
    else:
        url = migrated_url
        emptying = create_engine(url)
        _reset_postgres(emptying)
        emptying.dispose()
    engine = db.make_engine(url)
    with db.unit_of_work(engine) as session:
        assessments.ensure_default_scoring_model(session)
        gates.ensure_default_checklists(session)
        people.ensure_local_person(session, email=ADMIN_EMAIL, name="Test Administrator")
    generate_scale_portfolio(engine, size, measurements=4_000, today=TODAY)
    yield engine
    engine.dispose()
