"""The full export of the live portfolio: every field and other attribute, CSV and Excel, and it imports back
into an empty database with nothing lost; on every database."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, make_url
from sqlmodel import Session, select
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.imports.mapping import propose_mapping
from portfolio.imports.reading import read_table
from portfolio.models import Person, UseCase
from portfolio.reports.portfolio_export import export_portfolio
from portfolio.services import people
from portfolio.services.imports import WRITABLE, ImportOptions, run_import
from tests.conftest import ADMIN_EMAIL, _drop_postgres_database, _postgres_database
from tests.services.factories import propose

runner = CliRunner()
PEOPLE = ("owner_id", "sponsor_id", "monitoring_owner_id")

REGISTER = (
    "Use Case ID,Use Case Name,Description,Agency,Bureau,Stage of Development,Owner,Start date,"
    "risk tier,publish,Notes,Contact phone\n"
    'A-1,Claims triage,"Sorts claims,\nover two lines",Health,Claims,Operation and Maintenance,'
    "Ana Lima <ana@example.org>,2024-03-31,high,yes,first,=1+2\n"
    "TBD,=SUM(A1:A9) planner,Plans routes,Transport,,Initiated,Nobody Known,,,no,,+44 20 7946 0000\n"
)


@pytest.fixture
def empty_engine(backend: str, migrated_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A second empty database at the newest schema, for importing an export into."""
    if backend == "sqlite":
        path = tmp_path / "target.db"
        shutil.copy(make_url(migrated_url).database, path)
        url = f"sqlite:///{path}"
    else:
        url = _postgres_database("roundtrip")
    engine = db.make_engine(url)
    db.upgrade(engine)
    yield engine
    engine.dispose()
    if backend == "postgresql":
        _drop_postgres_database(url)


def facts(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every use case's kept values by key, people as (name, e-mail) since ids differ between databases."""
    with Session(engine) as session:
        persons = {p.id: (p.name, p.email) for p in session.exec(select(Person)).all()}
        result = {}
        for use_case in session.exec(select(UseCase)).all():
            record = {name: getattr(use_case, name) for name in WRITABLE}
            record |= {name: persons.get(record[name]) for name in PEOPLE}
            record |= {"extra": use_case.extra, "import_key": use_case.import_key}
            result[use_case.key] = record
        return result


def export_of(engine: Engine, fmt: str) -> bytes:
    with Session(engine) as session:
        return export_portfolio(session, fmt).data


def import_into(engine: Engine, data: bytes, name: str):
    with db.unit_of_work(engine) as session:
        actor = people.ensure_local_person(session, email=ADMIN_EMAIL, name="Test Administrator")
        return run_import(session, actor, read_table(data, name), ImportOptions())


def fill(engine: Engine, admin) -> None:
    """An imported register (ids, placeholders, start dates, a tier, extras, formula-like text, an owner by
    e-mail and one nobody knows) and a use case proposed by hand with every person named."""
    with db.unit_of_work(engine) as session:
        run_import(session, admin, read_table(REGISTER.encode(), "register.csv"), ImportOptions())
    with db.unit_of_work(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana@example.org")).one()
    propose(
        engine,
        admin,
        title="Shift planner",
        sponsor_id=ana.id,
        monitoring_owner_id=admin.id,
        personal_data="Staff rosters",
        sensitive_data=True,
        ai_act_tier="minimal",
        ai_act_reason="Internal planning aid",
        one_off_cost=0,
        running_cost_per_month=1250.5,
        business_unit="Operations",
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_imports_back_into_an_empty_database_with_nothing_lost(engine, admin, empty_engine, fmt):
    fill(engine, admin)
    before = facts(engine)
    assert any(r["extra"] for r in before.values()) and any(r["publish"] for r in before.values())
    data = export_of(engine, fmt)
    table = read_table(data, f"portfolio.{fmt}")
    # Every header is a field name the importer maps by itself, a computed column it skips, or an extra.
    mapping = propose_mapping(table.columns)
    assert all(c in mapping or c.startswith("extra: ") for c in table.columns)
    result = import_into(empty_engine, data, f"portfolio.{fmt}")
    assert result.plan.refusals == []
    after = facts(empty_engine)
    assert after == before
    claims = after[next(k for k, r in after.items() if r["external_id"] == "A-1")]
    assert claims["stage"] == "production" and claims["owner_id"] == ("Ana Lima", "ana@example.org")
    assert str(claims["started_on"]) == "2024-03-31" and claims["extra"] == {
        "Notes": "first",
        "Contact phone": "=1+2",
    }
    assert any(r["title"] == "=SUM(A1:A9) planner" for r in after.values())
    # Importing the same export again changes nothing.
    again = import_into(empty_engine, data, f"portfolio.{fmt}")
    assert again.plan.summary()["unchanged"] == len(before)
    # The register it came from, re-imported after the move, updates its use cases instead of copying them.
    register = import_into(empty_engine, REGISTER.encode(), "register.csv")
    assert register.plan.summary()["created"] == 0 and len(facts(empty_engine)) == len(before)


def test_the_demo_portfolio_round_trips(demo_url, empty_engine):
    source = db.make_engine(demo_url)
    before = facts(source)
    data = export_of(source, "csv")
    source.dispose()
    result = import_into(empty_engine, data, "portfolio.csv")
    assert result.plan.summary()["created"] == len(before) and result.plan.refusals == []
    assert facts(empty_engine) == before


def test_formula_text_is_neutralised_in_both_formats(engine, admin):
    fill(engine, admin)
    text = export_of(engine, "csv").decode("utf-8-sig")
    assert "'=SUM(A1:A9) planner" in text and "'+44 20 7946 0000" in text
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export_of(engine, "xlsx"))).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=SUM(A1:A9) planner" in cells and not any(
        isinstance(v, str) and v.startswith("=") for v in cells
    )


def test_the_command_line_exports_whole_files_or_nothing(database_url, admin, tmp_path):
    engine = db.make_engine(database_url)
    fill(engine, admin)
    engine.dispose()
    for fmt in ("csv", "xlsx"):
        result = runner.invoke(
            app,
            [
                "export",
                "--format",
                fmt,
                "--out",
                str(tmp_path / f"all.{fmt}"),
                "--database-url",
                database_url,
            ],
        )
        assert result.exit_code == 0, result.output
        assert "3 use cases" in result.output
        assert read_table((tmp_path / f"all.{fmt}").read_bytes(), f"all.{fmt}").rows
    folder = runner.invoke(
        app, ["export", "--format", "csv", "--out", str(tmp_path), "--database-url", database_url]
    )
    assert folder.exit_code == 0 and list(tmp_path.glob("portfolio-*.csv"))
    bad = runner.invoke(
        app, ["export", "--format", "pdf", "--out", str(tmp_path / "x"), "--database-url", database_url]
    )
    assert bad.exit_code == 2 and "choose csv or xlsx" in bad.output
    missing = runner.invoke(
        app,
        [
            "export",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "no" / "x.csv"),
            "--database-url",
            database_url,
        ],
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output
    # A folder that is a file cannot be written into (permissions do not stop root, who runs CI).
    inside_a_file = runner.invoke(
        app,
        [
            "export",
            "--format",
            "csv",
            "--out",
            str(tmp_path / "all.csv" / "x.csv"),
            "--database-url",
            database_url,
        ],
    )
    assert inside_a_file.exit_code == 2 and "Error:" in inside_a_file.output
    assert not list(tmp_path.glob("**/*.part"))
