"""The benchmark's snapshot step: take the running quarter's snapshot (again, replacing an earlier one), then
export it as an Excel workbook and as the HTML board report, as a person on the Quarterly snapshots page does."""

import time
from typing import Any

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
    finally:
        engine.dispose()
    return {
        "take": took,
        "export xlsx": exports["xlsx"],
        "export html": exports["html"],
        "take + xlsx": took + exports["xlsx"],
    }
