"""Schema, migrations, engine settings and transactions, on every test database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel, select

from portfolio import db
from portfolio.errors import Conflict, DatabaseUnavailable
from portfolio.models import Person, UseCase
from portfolio.search import made_by_migration
from portfolio.services import use_cases
from tests.conftest import counts
from tests.services.factories import propose


def test_upgrade_downgrade_and_upgrade_again(engine):
    db.downgrade(engine, "base")
    with engine.connect() as connection:
        tables = set(connection.dialect.get_table_names(connection))
    assert tables <= {"alembic_version"}
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision(engine)
    with Session(engine) as session:
        assert db.read_revision(session) == 0  # the migration creates the counter


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                # Full-text search tables and indexes are made by the migration, outside the models.
                "include_name": lambda name, type_, parents: not made_by_migration(name),
            },
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_sqlite_runs_with_foreign_keys_wal_and_a_busy_timeout(engine, backend):
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_postgres_engine_pings_before_use(engine, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL pool setting")
    assert engine.pool._pre_ping


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE use_case SET data_accuracy = 9",
        "UPDATE use_case SET stage = 'launched'",
        "UPDATE use_case SET title = '  '",
        "UPDATE use_case SET owner_id = 999999",
        "INSERT INTO portfolio_revision (id, revision) VALUES (2, 0)",
    ],
)
def test_the_database_itself_refuses_bad_rows(engine, admin, statement):
    propose(engine, admin)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(statement))


def test_every_write_bumps_the_revision(engine, admin):
    with Session(engine) as session:
        before = db.read_revision(session)
    propose(engine, admin)
    with Session(engine) as session:
        assert db.read_revision(session) > before


def test_a_failing_write_leaves_nothing_behind(engine, admin):
    before = counts(engine)
    with pytest.raises(RuntimeError), db.unit_of_work(engine) as session:
        use_cases.propose_use_case(session, admin, **propose.fields(admin))
        raise RuntimeError("power cut halfway")
    assert counts(engine) == before


def test_concurrent_edits_of_the_same_row_conflict(engine, admin, backend):
    """Row versions stop a lost update where two writers overlap (PostgreSQL; SQLite serialises writers)."""
    if backend != "postgresql":
        pytest.skip("SQLite lets only one writer in at a time")
    key = propose(engine, admin)
    with Session(engine) as first, Session(engine) as second:
        mine = first.exec(select(UseCase).where(UseCase.key == key)).one()
        theirs = second.exec(select(UseCase).where(UseCase.key == key)).one()
        theirs.title = "Their title"
        second.commit()
        mine.title = "My title"
        with pytest.raises(StaleDataError):
            first.commit()


def test_unit_of_work_reports_a_lost_update_as_a_conflict(engine, admin):
    before = counts(engine)
    with pytest.raises(Conflict, match="Someone else changed"), db.unit_of_work(engine) as session:
        use_cases.propose_use_case(session, admin, **propose.fields(admin))
        raise StaleDataError(
            "UPDATE statement on table 'use_case' expected to update 1 row(s); 0 were matched."
        )
    assert counts(engine) == before


def test_an_unreachable_database_gives_one_clear_message():
    engine = db.make_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/nowhere")
    with pytest.raises(DatabaseUnavailable) as error:
        db.upgrade(engine)
    message = str(error.value)
    assert "Cannot reach the portfolio database" in message and "PORTFOLIO_DATABASE_URL" in message
    assert "secret" not in message


def test_timestamps_are_timezone_aware_utc(engine, admin):
    with Session(engine) as session:
        person = session.exec(select(Person)).first()
        assert person.created_at.tzinfo is not None and person.created_at.utcoffset().total_seconds() == 0


def test_upgrading_keeps_every_row(engine, admin):
    """Schema changes must never lose data (SQLite rebuilds altered tables; a cascade could empty others)."""
    from tests.services.factories import propose
    from tests.services.test_scoring_gates_results import assessed, decide

    key = assessed(engine, admin)
    decide(engine, admin, key)
    propose(engine, admin)
    before = counts(engine)
    assert before["kpi"] and before["gate_decision"] and before["pilot_charter"]
    db.downgrade(engine, "0002")
    db.upgrade(engine)
    assert counts(engine) == before
