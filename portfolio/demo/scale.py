"""The scale generator: a large, plausible portfolio for benchmarks and load tests (`portfolio demo --scale N`).

The demo organisation is written through the services so that it obeys every rule; ten thousand use cases
with two million measurements cannot be, in minutes. The generator writes the same shapes with bulk inserts,
keeping the invariants the services keep: each stage reached through a recorded stage change, a go decision
at every gate passed, a charter for every pilot, each use case's kept mean scores from its reviewers' latest
assessments, each KPI's kept latest measurement. Its vocabulary (titles, teams, KPIs, lessons) is the demo's.

This module runs it in one transaction; the rows come from `scale_people`, `scale_use_cases` (with
`scale_assessments`) and `scale_kpis`, written through `scale_writer`.
"""

from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from portfolio.db import unit_of_work
from portfolio.demo.scale_kpis import KpiSpec, add_kpis_and_measurements
from portfolio.demo.scale_people import add_people
from portfolio.demo.scale_use_cases import add_use_case
from portfolio.demo.scale_writer import Generated, Progress, Rows, ScaleWriter, reset_sequences
from portfolio.errors import RuleViolation
from portfolio.models import UseCase
from portfolio.services import assessments, gates


def generate_scale_portfolio(
    engine: Engine,
    count: int,
    *,
    measurements: int | None = None,
    seed: int = 11,
    today: date | None = None,
    progress: Progress | None = None,
) -> Generated:
    """Fill an empty portfolio with `count` generated use cases and about `measurements` KPI measurements
    (default: 200 per use case, so 10,000 use cases hold two million). Written in one transaction."""
    if not 1 <= count <= 200_000:
        raise RuleViolation("Choose between 1 and 200,000 use cases for a generated portfolio.")
    with unit_of_work(engine) as session:
        existing = session.execute(select(func.count()).select_from(UseCase)).scalar_one()
        if existing:
            raise RuleViolation(
                f"The database already holds {existing} use cases; a generated portfolio is only written into "
                "an empty one."
            )
        assessments.ensure_default_scoring_model(session)
        gates.ensure_default_checklists(session)
        session.flush()
        done = _generate(
            session,
            count,
            measurements if measurements is not None else 200 * count,
            seed,
            today or datetime.now(UTC).date(),
            progress,
        )
        reset_sequences(session)
    refresh_planner_statistics(engine)
    if progress:
        progress(1.0, "done")
    return done


def refresh_planner_statistics(engine: Engine) -> None:
    """After a bulk load, PostgreSQL's planner still holds the statistics of the empty tables until autovacuum
    gets round to them, and so picks nested loops fit for a dozen rows: the overview's value query took 3.5 s
    instead of 0.03 s. ANALYZE gives it the real sizes at once. (SQLite plans well without statistics.)"""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def _generate(
    session: Session, count: int, measurements: int, seed: int, today: date, progress: Progress | None
) -> Generated:
    """Build the rows in memory, table by table, and write them in chunks, referenced tables first."""
    model = assessments.active_model(session)
    writer = ScaleWriter(session, seed, today)
    owners, reviewers, approvers = add_people(writer, count)
    rows: Rows = {
        name: []
        for name in (
            "use_case",
            "stage_change",
            "assessment",
            "assessment_score",
            "gate_decision",
            "pilot_charter",
            "kpi",
            "lesson",
        )
    }
    kpi_specs: list[KpiSpec] = []
    for number in range(1, count + 1):
        add_use_case(writer, model, number, owners, reviewers, approvers, rows, kpi_specs)
        if progress and number % 500 == 0:
            progress(0.4 * number / count, f"{number:,} use cases")
    for table in (
        "use_case",
        "gate_decision",
        "stage_change",
        "assessment",
        "assessment_score",
        "pilot_charter",
    ):
        writer.write(table, rows[table])
    writer.done.use_cases = len(rows["use_case"])
    writer.done.assessments = len(rows["assessment"])
    writer.done.gate_decisions = len(rows["gate_decision"])
    add_kpis_and_measurements(writer, measurements, rows["kpi"], kpi_specs, progress)
    writer.write("lesson", rows["lesson"])
    writer.done.lessons = len(rows["lesson"])
    return writer.done
