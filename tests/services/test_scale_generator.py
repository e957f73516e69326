"""The scale generator writes a large portfolio that keeps the invariants the services keep."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.demo.scale import generate_scale_portfolio
from portfolio.demo.scale_use_cases import PATHS
from portfolio.errors import RuleViolation
from portfolio.lifecycle import GATE_INTO
from portfolio.models import Stage
from portfolio.services import use_cases
from portfolio.services.audit import Actor

TODAY = date(2026, 11, 23)


@pytest.fixture
def generated(engine, admin: Actor):
    return generate_scale_portfolio(engine, 120, measurements=6_000, today=TODAY)


def _rows(engine, sql: str) -> list:
    with engine.connect() as connection:
        return list(connection.execute(text(sql)))


def test_counts_are_as_asked(engine, generated) -> None:
    assert generated.use_cases == 120 == _rows(engine, "SELECT count(*) FROM use_case")[0][0]
    measured = _rows(engine, "SELECT count(*) FROM measurement")[0][0]
    assert measured == generated.measurements
    assert 4_000 <= measured <= 6_500
    kpis_per_case = _rows(engine, "SELECT count(*) * 1.0 / count(DISTINCT use_case_id) FROM kpi")[0][0]
    assert 4.5 <= kpis_per_case <= 6.5


def test_every_stage_is_reached_through_recorded_changes_and_gate_decisions(engine, generated) -> None:
    changes: dict[int, list[str]] = {}
    for use_case_id, to_stage in _rows(engine, "SELECT use_case_id, to_stage FROM stage_change ORDER BY id"):
        changes.setdefault(use_case_id, []).append(to_stage)
    gates = {
        (u, g) for u, g in _rows(engine, "SELECT use_case_id, gate FROM gate_decision WHERE outcome = 'go'")
    }
    for use_case_id, stage in _rows(engine, "SELECT id, stage FROM use_case"):
        path = [s.value for s in PATHS[Stage(stage)]]
        assert changes[use_case_id] == path
        for entered in path:
            if Stage(entered) in GATE_INTO:
                assert (use_case_id, GATE_INTO[Stage(entered)].value) in gates
    assert {s for (s,) in _rows(engine, "SELECT DISTINCT stage FROM use_case")} >= {
        "proposed",
        "pilot",
        "production",
    }


def test_kept_values_match_the_history(engine, generated) -> None:
    mismatched = _rows(
        engine,
        """SELECT k.id FROM kpi k
           JOIN (SELECT kpi_id, max(measured_on) AS last_on FROM measurement GROUP BY kpi_id) m ON m.kpi_id = k.id
           JOIN measurement v ON v.kpi_id = k.id AND v.measured_on = m.last_on
           WHERE k.latest_on IS NULL OR k.latest_on <> m.last_on OR k.latest_value <> v.value""",
    )
    assert mismatched == []
    assert (
        _rows(engine, f"SELECT count(*) FROM measurement WHERE measured_on > '{TODAY.isoformat()}'")[0][0]
        == 0
    )
    reviewers = _rows(
        engine,
        """SELECT u.id, u.reviewer_count, count(DISTINCT a.reviewer_id) FROM use_case u
           LEFT JOIN assessment a ON a.use_case_id = u.id GROUP BY u.id, u.reviewer_count""",
    )
    assert all(kept == counted for _, kept, counted in reviewers)


def test_the_services_work_on_a_generated_portfolio(engine, generated, admin: Actor) -> None:
    # Explicit ids must not leave PostgreSQL's sequences behind.
    with db.unit_of_work(engine) as session:
        created = use_cases.propose_use_case(
            session,
            admin,
            title="A proposal after generation",
            problem="Proposed into a generated portfolio.",
            team="Customer service",
            sector="services",
            owner_id=admin.id,
            ai_kind="generative",
        )
    assert created.key == "UC-0121"
    with Session(engine) as session:
        assert session.get(type(created), created.id).title == "A proposal after generation"


def test_refuses_a_portfolio_that_is_not_empty(engine, generated) -> None:
    with pytest.raises(RuleViolation, match="only written into an empty one"):
        generate_scale_portfolio(engine, 5)


def test_cli_generates_with_scale(database_url: str) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--scale", "40", "--measurements", "500", "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "Generated 40 use cases" in result.output
