"""Database faults reach people as one clear sentence, in the app's writes and on the command line; a
downgrade that would delete data says what and refuses unless allowed."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DataError, OperationalError
from sqlmodel import Session
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.errors import DatabaseBusy, DatabaseUnavailable, DataLossRefused, InvalidInput
from portfolio.services import use_cases
from tests.services.factories import propose

runner = CliRunner()


def fault(message: str, url: str = "sqlite:///data/portfolio.db", kind: type = OperationalError):
    return db.database_fault(kind("SELECT 1", {}, Exception(message)), url)


@pytest.mark.parametrize(
    ("message", "url", "expected", "words"),
    [
        ("database is locked", "sqlite:///p.db", DatabaseBusy, "busy with another change; nothing was saved"),
        ("file is not a database", "sqlite:///p.db", DatabaseUnavailable, "p.db is not a portfolio database"),
        ("database disk image is malformed", "sqlite:///p.db", DatabaseUnavailable, "damaged"),
        ("attempt to write a readonly database", "sqlite:///p.db", DatabaseUnavailable, "read-only"),
        (
            'connection to server at "db" failed: Connection refused',
            "postgresql+psycopg://app:secret@db/portfolio",
            DatabaseUnavailable,
            "Cannot reach the portfolio database",
        ),
        (
            "server closed the connection unexpectedly",
            "postgresql+psycopg://app@db/portfolio",
            DatabaseUnavailable,
            "nothing was saved",
        ),
    ],
)
def test_driver_errors_become_sentences(message, url, expected, words):
    mapped = fault(message, url)
    assert isinstance(mapped, expected) and words in str(mapped)
    assert "secret" not in str(mapped)


def test_read_only_sqlite_is_not_blamed_on_a_server():
    assert "server" not in str(fault("attempt to write a readonly database"))


def test_a_value_postgresql_refuses_is_invalid_input_not_a_crash():
    assert isinstance(fault("integer out of range", "postgresql+psycopg://x@y/z", DataError), InvalidInput)


def test_a_bug_is_not_disguised_as_a_database_fault():
    assert db.database_fault(ValueError("a bug")) is None


def test_a_write_meeting_a_lock_beyond_the_busy_timeout_says_busy(tmp_path, admin, engine, backend):
    if backend != "sqlite":
        pytest.skip("SQLite locks the whole file")
    url = str(engine.url)
    hurried = db.make_engine(url, busy_timeout_ms=100)
    blocker = sqlite3.connect(make_path(url), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="Try again"), db.unit_of_work(hurried) as session:
            use_cases.propose_use_case(session, admin, **propose.fields(admin))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        hurried.dispose()


def test_a_read_only_database_says_it_cannot_be_written(engine, admin, backend):
    if backend != "sqlite":
        pytest.skip("a SQLite file opened read-only")
    read_only = create_engine(f"sqlite:///file:{make_path(str(engine.url))}?mode=ro&uri=true")
    with pytest.raises(DatabaseUnavailable, match="cannot be written"), db.unit_of_work(read_only) as session:
        use_cases.propose_use_case(session, admin, **propose.fields(admin))
    read_only.dispose()


def make_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def test_the_cli_names_a_file_that_is_not_a_database(tmp_path: Path):
    bad = tmp_path / "notes.db"
    bad.write_text("Meeting notes, not a database. " * 20)
    for command in (["db", "current"], ["db", "upgrade"], ["demo"]):
        result = runner.invoke(app, [*command, "--database-url", f"sqlite:///{bad}"])
        assert result.exit_code == 1, result.output
        assert "is not a portfolio database" in result.output
        assert "Traceback" not in result.output
        assert len(result.output.splitlines()) <= 3


def test_the_cli_refuses_a_database_from_a_newer_version(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    engine = db.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    current = runner.invoke(app, ["db", "current", "--database-url", url])
    assert current.exit_code == 0 and "newer than this version of the app knows" in current.output
    assert "behind" not in current.output
    upgrade = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert upgrade.exit_code == 1
    assert "0999, which this version of the app does not know" in upgrade.output


def test_a_downgrade_that_loses_data_says_what_and_refuses(engine, admin):
    key = propose(engine, admin, one_off_cost=12_000)
    before = db.current_revision(engine)
    with pytest.raises(DataLossRefused) as refused:
        db.downgrade(engine, "0002")
    message = str(refused.value)
    assert "1 value of use_case.one_off_cost (revision 0003)" in message and "--allow-data-loss" in message
    assert db.current_revision(engine) == before
    assert db.data_lost_by_downgrade(engine, "0003") == []  # later steps hold nothing yet
    db.downgrade(engine, "0002", allow_data_loss=True)
    assert db.current_revision(engine) == "0002"
    db.upgrade(engine)
    with Session(engine) as session:
        assert use_cases.get_use_case(session, key).one_off_cost is None  # allowed, so it went


def test_the_cli_downgrade_needs_allow_data_loss(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert runner.invoke(app, ["demo", "--database-url", url]).exit_code == 0
    refused = runner.invoke(app, ["db", "downgrade", "0001", "--database-url", url])
    assert refused.exit_code == 1
    assert "would delete" in refused.output and "pilot_charter" in refused.output
    assert "Nothing was changed" in refused.output
    allowed = runner.invoke(app, ["db", "downgrade", "0001", "--allow-data-loss", "--database-url", url])
    assert allowed.exit_code == 0 and "revision 0001" in allowed.output


def test_every_migration_says_what_its_downgrade_loses():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(db.alembic_config(None))
    for script in scripts.walk_revisions():
        assert isinstance(getattr(script.module, "DATA_LOST_ON_DOWNGRADE", None), dict), script.revision
