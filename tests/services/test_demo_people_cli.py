"""The demo portfolio, people and roles, and the command line."""

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.demo import load_demo
from portfolio.errors import Conflict, InvalidInput, RuleViolation
from portfolio.models import GateDecision, Kpi, Lesson, Measurement, Sector, Stage, UseCase
from portfolio.scoring import Quadrant
from portfolio.services import people, use_cases
from tests.conftest import counts


def test_the_demo_is_a_realistic_portfolio(demo_url):
    engine = db.make_engine(demo_url)
    with Session(engine) as session:
        table = use_cases.portfolio_table(session)
        assert len(table) >= 30
        assert set(table["stage"]) == {s.value for s in Stage}
        assert {Sector.retail, Sector.hospitality, Sector.healthcare, Sector.services} <= set(table["sector"])
        assert set(table["quadrant"].dropna()) == {q.value for q in Quadrant}
        assert (table["reviewers"] >= 2).sum() >= 20
        titles = " ".join(table["title"]).lower()
        for phrase in (
            "customer-service assistant",
            "travel influencer",
            "in-room voice assistant",
            "explains its suggestions",
            "patient groups",
            "stakeholder e-mails",
            "campaign targeting",
        ):
            assert phrase in titles
        flagship = session.exec(
            select(UseCase).where(UseCase.title.like("Customer-service assistant%"))
        ).one()
        assert (
            "30% of simple customer questions" in flagship.measurable_goal
            and "above 8" in flagship.measurable_goal
        )
        kpis = {k.name: k for k in session.exec(select(Kpi).where(Kpi.use_case_id == flagship.id)).all()}
        assert kpis["Simple questions handled automatically"].target == 30
        assert kpis["Customer satisfaction with the assistant"].kind == "trust"
        history = use_cases.use_case_detail(session, flagship.key)
        assert [d["gate"] for d in history.gate_decisions] == ["pilot", "scale_up"]
        measured = session.execute(text("SELECT count(*) FROM measurement")).scalar_one()
        assert measured > 1000
        first, last = session.exec(
            select(func.min(Measurement.measured_on), func.max(Measurement.measured_on))
        ).one()
        assert (last - first).days >= 330
        assert (
            session.exec(select(func.count()).select_from(Lesson).where(Lesson.outcome == "failure")).one()
            >= 2
        )
        assert (
            session.exec(select(func.count()).select_from(Lesson).where(Lesson.outcome == "success")).one()
            >= 2
        )
        assert (
            session.exec(
                select(func.count()).select_from(GateDecision).where(GateDecision.outcome == "no_go")
            ).one()
            >= 1
        )
        returns = session.exec(select(Lesson).where(Lesson.title.like("%raised returns%"))).one()
        assert "financial data" in returns.root_cause.lower()
    engine.dispose()


def test_the_demo_is_only_loaded_into_an_empty_portfolio(engine, admin):
    with db.unit_of_work(engine) as session:
        load_demo(session)
    before = counts(engine)
    with pytest.raises(RuleViolation, match="already holds 36 use cases"), db.unit_of_work(engine) as session:
        load_demo(session)
    assert counts(engine) == before


def test_people_need_a_valid_unique_email(engine, admin):
    with pytest.raises(InvalidInput, match="full e-mail address"), db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="No Mail", email="not-an-address")
    with pytest.raises(Conflict, match="already registered"), db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Twin", email="ADMIN@example.org")
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Ana", email="ana@example.org", roles=["reviewer"])
        assert people.actor_for(session, "ana@example.org").roles == {"viewer", "reviewer"}


runner = CliRunner()


def test_cli_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "demo"):
        assert command in result.output
    assert "upgrade" in runner.invoke(app, ["db", "--help"]).output


def test_cli_upgrades_and_loads_the_demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgraded = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert upgraded.exit_code == 0 and "is at revision" in upgraded.output
    assert "up to date" in runner.invoke(app, ["db", "current", "--database-url", url]).output
    loaded = runner.invoke(app, ["demo", "--database-url", url])
    assert loaded.exit_code == 0 and "Loaded 36 use cases" in loaded.output
    again = runner.invoke(app, ["demo", "--database-url", url])
    assert again.exit_code == 1 and "already holds 36 use cases" in again.output


def test_cli_reports_an_unreachable_database_without_a_traceback():
    result = runner.invoke(app, ["db", "upgrade", "--database-url", "postgresql://x:pw@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert "Cannot reach the portfolio database" in result.output
    assert "Traceback" not in result.output


def test_the_last_administrator_cannot_lose_the_role(engine, admin):
    with pytest.raises(InvalidInput, match="only administrator"), db.unit_of_work(engine) as session:
        people.set_roles(session, admin, admin.id, ["viewer", "approver"])
    with db.unit_of_work(engine) as session:
        other = people.create_person(
            session, admin, name="Ada", email="ada@example.org", roles=["administrator"]
        )
        people.set_roles(session, admin, admin.id, ["viewer", "approver"])
        assert people.roles_of(session, admin.id) == {"viewer", "approver"}
        assert people.roles_of(session, other.id) == {"viewer", "administrator"}
