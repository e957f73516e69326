"""The benchmark's snapshot step: take the running quarter's snapshot (again, replacing an earlier one), then
export it as an Excel workbook and as the HTML board report, as a person on the Quarterly snapshots page does.

`prepare` gives the measured database the snapshots a portfolio in use has, last quarter's and this quarter's,
before the pages are measured, and the step leaves it so (the one it replaced is removed), so every run of the
benchmark measures the Quarterly snapshots page on the same two."""

import time
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

LOCAL_EMAIL = "admin@example.org"


def run(url: str) -> dict[str, Any]:
    from portfolio import db
    from portfolio.models import utc_now
    from portfolio.quarters import quarter_of
    from portfolio.reports.snapshot_export import export_snapshot
    from portfolio.services import people, snapshots

    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            actor = people.actor_for(session, LOCAL_EMAIL)
        quarter = quarter_of(utc_now().date()).label
        started = time.perf_counter()
        with db.unit_of_work(engine) as session:
            snapshot_id = snapshots.take_snapshot(session, actor, quarter, replace=True).id
        took = time.perf_counter() - started
        exports = {}
        for fmt in ("xlsx", "html"):
            started = time.perf_counter()
            with Session(engine) as session:
                made = export_snapshot(session, snapshots.get_snapshot_by_id(session, snapshot_id), fmt)
            exports[fmt] = time.perf_counter() - started
            if not made.data:
                return {"skipped": f"the {fmt} export came out empty"}
        # Leave last quarter's and this quarter's, as `prepare` made them: the benchmark's own database.
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM snapshot WHERE status = 'superseded'"))
    finally:
        engine.dispose()
    return {
        "take": took,
        "export xlsx": exports["xlsx"],
        "export html": exports["html"],
        "take + xlsx": took + exports["xlsx"],
    }


def prepare(url: str) -> None:
    """Make the database hold exactly two snapshots, last quarter's and this quarter's (taking them when it
    does not: some 10 s each at 10,000 use cases)."""
    from portfolio import db
    from portfolio.models import SnapshotStatus, utc_now
    from portfolio.quarters import quarter_of
    from portfolio.services import people, snapshots

    this_quarter = quarter_of(utc_now().date())
    wanted = {this_quarter.previous().label, this_quarter.label}
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            held = connection.execute(text("SELECT quarter, status FROM snapshot")).all()
        if sorted(held) == sorted((q, SnapshotStatus.current.value) for q in wanted):
            return
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM snapshot"))
        with Session(engine) as session:
            actor = people.actor_for(session, LOCAL_EMAIL)
        for quarter in sorted(wanted):
            with db.unit_of_work(engine) as session:
                snapshots.take_snapshot(session, actor, quarter)
    finally:
        engine.dispose()
