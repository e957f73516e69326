"""Measure one database: every page's server-side run, typical interactions, the floors, and peak memory.

Run by `benchmarks/run.py` in a fresh process per database (so caches start cold and the peak memory is this
process's own); prints one JSON document. Server-side time is the time Streamlit's script runner takes to run
the app for one request, as AppTest runs it in-process: the same code path a browser's request takes, minus
the websocket."""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

APP = str(ROOT / "app.py")
EMPTY_PAGE = "import streamlit as st\nst.title('Empty page')\n"
LOCAL_EMAIL = "admin@example.org"
PAGE_TIMEOUT = 120  # seconds; a page slower than this is reported as timed out

# The plain SQL behind each page's figures: what any implementation must at least ask the database.
FLOOR_SQL: dict[str, list[str]] = {
    "portfolio": [
        "SELECT u.key, u.title, u.stage, u.team, u.sector, u.ai_act_tier, u.impact_score, u.risk_score, "
        "u.stage_entered_at, p.name FROM use_case u LEFT JOIN person p ON p.id = u.owner_id ORDER BY u.key",
    ],
    "board": [
        "SELECT u.key, u.title, u.stage, u.stage_entered_at, c.decision_on, c.paused FROM use_case u "
        "LEFT JOIN pilot_charter c ON c.use_case_id = u.id WHERE u.stage IN ('proposed', 'assessed', 'pilot', "
        "'scale_up', 'production')",
        "SELECT k.use_case_id, k.latest_value, k.latest_on, k.target, k.target_on, k.baseline FROM kpi k",
    ],
    "matrix": [
        "SELECT u.key, u.title, u.stage, u.impact_score, u.risk_score, u.score_spread FROM use_case u "
        "WHERE u.impact_score IS NOT NULL",
    ],
    "trust": [
        "SELECT u.key, u.title, u.ai_disclosure, u.human_path, k.name, k.latest_value, k.latest_on, k.target "
        "FROM use_case u LEFT JOIN kpi k ON k.use_case_id = u.id AND k.kind = 'trust' WHERE u.customer_facing",
        # The first page of trends: nine trust KPIs' monthly means over a year.
        "SELECT m.kpi_id, substr(CAST(m.measured_on AS TEXT), 1, 7) AS month, avg(m.value) FROM measurement m "
        "WHERE m.kpi_id IN (SELECT k.id FROM kpi k WHERE k.kind = 'trust' ORDER BY k.id LIMIT 9) "
        "AND m.measured_on >= :year_ago GROUP BY m.kpi_id, month",
    ],
    "use_case": [
        "SELECT * FROM use_case WHERE key = :uc",
        "SELECT k.* FROM kpi k JOIN use_case u ON u.id = k.use_case_id WHERE u.key = :uc",
        "SELECT m.measured_on, m.value FROM measurement m JOIN kpi k ON k.id = m.kpi_id "
        "JOIN use_case u ON u.id = k.use_case_id WHERE u.key = :uc",
        "SELECT a.* FROM assessment a JOIN use_case u ON u.id = a.use_case_id WHERE u.key = :uc",
        "SELECT g.* FROM gate_decision g JOIN use_case u ON u.id = g.use_case_id WHERE u.key = :uc",
    ],
    "results": [
        "SELECT k.* FROM kpi k JOIN use_case u ON u.id = k.use_case_id WHERE u.key = :uc",
        "SELECT u.key, u.title FROM use_case u WHERE u.stage IN ('pilot', 'scale_up', 'production')",
    ],
    "score": [
        "SELECT * FROM criterion",
        "SELECT u.key, u.title, u.reviewer_count FROM use_case u WHERE u.stage IN ('proposed', 'assessed')",
    ],
    "people": ["SELECT p.*, r.role FROM person p LEFT JOIN person_role r ON r.person_id = p.id"],
    "scoring_model": ["SELECT * FROM scoring_model", "SELECT * FROM criterion"],
    "gates_admin": ["SELECT * FROM checklist_item", "SELECT * FROM setting"],
    "overview": [
        "SELECT stage, sector, team, ai_act_tier, count(*) FROM use_case GROUP BY stage, sector, team, ai_act_tier",
        "SELECT k.use_case_id, k.kind, k.latest_value, k.latest_on, k.target, k.target_on, k.baseline FROM kpi k",
        "SELECT from_stage, to_stage, changed_at FROM stage_change WHERE changed_at >= :quarter_start",
        # Last quarter's figures beside this quarter's: each use case's stage when the quarter began.
        "SELECT to_stage, count(*) FROM (SELECT to_stage, row_number() OVER (PARTITION BY use_case_id "
        "ORDER BY changed_at DESC) AS r FROM stage_change WHERE changed_at < :quarter_start) AS s WHERE r = 1 "
        "GROUP BY to_stage",
        # Median time in stage: every stay of the last year with its length.
        "SELECT to_stage, changed_at, lead(changed_at) OVER (PARTITION BY use_case_id ORDER BY changed_at) "
        "FROM stage_change",
    ],
    "lessons": ["SELECT * FROM lesson ORDER BY outcome LIMIT 50"],
    # The page shows whether every snapshot's checksum holds: each one's stored text, read.
    "snapshots": ["SELECT id, quarter, taken_at, status, checksum, CAST(content AS TEXT) FROM snapshot"],
    "audit": ["SELECT * FROM audit_event ORDER BY at DESC LIMIT 50"],
}
DEFAULT_FLOOR = ["SELECT count(*) FROM use_case"]


def _median_seconds(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fresh_caches() -> None:
    import streamlit as st

    st.cache_data.clear()


def _app(page: str | None = None, query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=PAGE_TIMEOUT)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    if page:
        at.switch_page(page)
    return at


def _failed(at: Any) -> str | None:
    if at.exception:
        return "; ".join(str(e.message)[:200] for e in at.exception)
    return None


def measure_pages(repeat: int, sample_key: str) -> list[dict[str, Any]]:
    # Warm the process (imports, engine, migrations check) so a first run measures the page, not start-up:
    # the chart library is imported once per app process by whichever page draws a chart first, so without
    # this the first page measured would carry it.
    import altair  # noqa: F401

    import portfolio.ui.charts  # noqa: F401
    from portfolio.ui.navigation import PAGES

    _app("pages/people.py").run()
    results = []
    for spec in PAGES:
        query = dict(pair.split("=", 1) for pair in spec.sample_query.split("&") if pair)
        if "uc" in query:
            query["uc"] = sample_key
        first_times, first_cpu, warm_times, problem = [], [], [], None
        for _ in range(repeat):
            _fresh_caches()
            at = _app(spec.script, query)
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                at.run()
            except RuntimeError as error:  # AppTest's timeout
                problem = f"timed out after {PAGE_TIMEOUT} s ({error})"[:200]
                first_times.append(float(PAGE_TIMEOUT))
                warm_times.append(float(PAGE_TIMEOUT))
                break
            first_times.append(time.perf_counter() - started)
            first_cpu.append(time.process_time() - cpu_started)
            problem = problem or _failed(at)
            started = time.perf_counter()
            at.run()
            warm_times.append(time.perf_counter() - started)
        results.append(
            {
                "page": spec.title,
                "path": spec.url_path,
                "first_run": statistics.median(first_times),
                # CPU time of this process (the script and SQLite): on a machine shared with other work the
                # wall time includes waiting for a core, this does not.
                "first_run_cpu": statistics.median(first_cpu) if first_cpu else None,
                "rerun": statistics.median(warm_times),
                "error": problem,
            }
        )
    return results


def measure_snapshot_first_view(repeat: int) -> float | None:
    """The Quarterly snapshots page as the first visitor after the app starts sees it: the app remembers each
    snapshot's report and comparison by its stored text (`portfolio.reports.snapshot_views`), so only that
    visit parses the snapshots and lays the report out."""
    from portfolio.reports import snapshot_views
    from portfolio.services import snapshots

    times = []
    for _ in range(repeat):
        _fresh_caches()
        snapshot_views.forget_remembered()
        snapshots.forget_checks()
        at = _app("pages/snapshots.py")
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        if _failed(at):
            return None
    return statistics.median(times)


def measure_floor_sql(url: str, repeat: int, sample_key: str) -> dict[str, float]:
    engine = create_engine(url)
    quarter_start = date(date.today().year, 3 * ((date.today().month - 1) // 3) + 1, 1)
    params = {
        "uc": sample_key,
        "quarter_start": quarter_start,
        "year_ago": date.today() - timedelta(days=365),
    }
    floors = {}
    with engine.connect() as connection:
        for path in [*FLOOR_SQL, "default"]:
            statements = FLOOR_SQL.get(path, DEFAULT_FLOOR)

            def run(statements: list[str] = statements) -> None:
                for statement in statements:
                    connection.execute(text(statement), params).fetchall()

            try:
                floors[path] = _median_seconds(run, repeat)
            except Exception:  # a table another version of the app has not got: no floor for it
                connection.rollback()
    engine.dispose()
    return floors


def measure_empty_page(repeat: int) -> float:
    from streamlit.testing.v1 import AppTest

    def run() -> None:
        AppTest.from_string(EMPTY_PAGE, default_timeout=60).run()

    return _median_seconds(run, repeat)


def measure_interactions(url: str, repeat: int, sample_key: str) -> dict[str, Any]:
    """A person filtering the portfolio, opening a use case, and logging a measurement (write, then the
    page that shows it rerun: the revision changed, so its reads are fresh)."""
    from sqlmodel import func, select

    from portfolio import db
    from portfolio.models import Kpi, Measurement, UseCase
    from portfolio.services import people, results

    found: dict[str, Any] = {}

    def filter_portfolio() -> None:
        at = _app("pages/portfolio.py")
        at.run()
        widget = at.multiselect(key="sector")
        started = time.perf_counter()
        widget.set_value(["retail"]).run()
        found.setdefault("filter", []).append(time.perf_counter() - started)

    def open_use_case() -> None:
        at = _app("pages/portfolio.py")
        at.run()
        at.query_params["uc"] = sample_key
        at.switch_page("pages/use_case.py")
        started = time.perf_counter()
        at.run()
        found.setdefault("open", []).append(time.perf_counter() - started)

    engine = db.make_engine(url)
    with Session(engine) as session:
        kpi = session.exec(
            select(Kpi).join(UseCase, UseCase.id == Kpi.use_case_id).where(UseCase.key == sample_key)
        ).first()
        actor = people.actor_for(session, LOCAL_EMAIL)
    day = [0]

    def log_measurement() -> None:
        at = _app("pages/use_case.py", {"uc": sample_key})
        at.run()
        started = time.perf_counter()
        with db.unit_of_work(engine) as session:
            latest = session.get(Kpi, kpi.id)
            # Before the KPI's first measurement, so the day is free however often the benchmark runs.
            first = session.exec(
                select(func.min(Measurement.measured_on)).where(Measurement.kpi_id == kpi.id)
            ).one()
            on = date.fromordinal((first or date.today()).toordinal() - 1 - day[0])
            day[0] += 1
            results.log_measurements(
                session, actor, kpi.id, [{"measured_on": on, "value": latest.baseline or 1}]
            )
        at.run()
        found.setdefault("log", []).append(time.perf_counter() - started)

    for action in (filter_portfolio, open_use_case, log_measurement):
        for _ in range(repeat):
            try:
                action()
            except Exception as error:  # report, don't hide: the report shows what could not be measured
                found.setdefault("errors", []).append(
                    f"{action.__name__}: {type(error).__name__}: {error}"[:300]
                )
                break
    engine.dispose()
    return {
        "filter_portfolio": statistics.median(found["filter"]) if found.get("filter") else None,
        "open_use_case": statistics.median(found["open"]) if found.get("open") else None,
        "log_measurement": statistics.median(found["log"]) if found.get("log") else None,
        "errors": found.get("errors", []),
    }


def measure_snapshot(url: str) -> dict[str, Any]:
    """Take a snapshot and export it to xlsx and html, when this version of the app has snapshots."""
    try:
        from portfolio.services import snapshots  # noqa: F401
    except ImportError:
        return {"skipped": "this version has no snapshots"}
    try:
        from benchmarks import snapshot_step
    except ImportError:
        return {"skipped": "the benchmark has no snapshot step yet"}
    return snapshot_step.run(url)


def measure_import(url: str) -> dict[str, Any]:
    try:
        import portfolio.imports  # noqa: F401
    except ImportError:
        return {"skipped": "this version has no import"}
    from benchmarks import import_step

    return import_step.run(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--sample",
        default="",
        help="Use case opened by the use-case pages (default: the first pilot with KPIs).",
    )
    parser.add_argument("--skip-writes", action="store_true", help="Do not log, snapshot or import.")
    args = parser.parse_args()
    os.environ["PORTFOLIO_DATABASE_URL"] = args.url
    os.environ["PORTFOLIO_DEMO_ON_FIRST_START"] = "false"
    os.environ["PORTFOLIO_LOCAL_PERSON_EMAIL"] = LOCAL_EMAIL
    os.environ.setdefault("PORTFOLIO_REQUIRE_SIGN_IN", "false")
    if not args.sample:
        engine = create_engine(args.url)
        with engine.connect() as connection:
            args.sample = connection.execute(
                text(
                    "SELECT u.key FROM use_case u WHERE u.stage = 'pilot' AND EXISTS "
                    "(SELECT 1 FROM kpi k WHERE k.use_case_id = u.id) ORDER BY u.id LIMIT 1"
                )
            ).scalar_one()
        engine.dispose()
    if not args.skip_writes:
        from benchmarks import snapshot_step

        snapshot_step.prepare(args.url)
    report: dict[str, Any] = {
        "sample": args.sample,
        "empty_page": measure_empty_page(args.repeat),
        "floors": measure_floor_sql(args.url, args.repeat, args.sample),
        "pages": measure_pages(args.repeat, args.sample),
        "snapshot_first_view": measure_snapshot_first_view(args.repeat),
    }
    if not args.skip_writes:
        report["interactions"] = measure_interactions(args.url, args.repeat, args.sample)
        report["snapshot"] = measure_snapshot(args.url)
        report["import"] = measure_import(args.url)
    # ru_maxrss is in kilobytes on Linux.
    report["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(report))


if __name__ == "__main__":
    main()
