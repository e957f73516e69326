"""The audit trail as read: every kind of change recorded, filtered in SQL, paged, in words; CSV export."""

import csv
import io
from datetime import timedelta

from sqlmodel import Session

from portfolio import db
from portfolio.models import utc_now
from portfolio.services import lessons, people, pipeline, results
from portfolio.views import audit
from portfolio.views.audit_words import KINDS, comparison, value_words
from tests.services.test_scoring_gates_results import assessed, decide


def portfolio_with_history(engine, admin) -> tuple[str, int]:
    """A use case scored, gated into pilot, with a KPI and results; a lesson; people and a setting changed."""
    key = assessed(engine, admin)
    decide(engine, admin, key)
    with db.unit_of_work(engine) as session:
        kpi_id = results.kpi_choices(session, key)[0][0]
        today = utc_now().date()
        results.log_measurements(
            session, admin, kpi_id, [{"measured_on": today - timedelta(days=1), "value": 8.5}]
        )
        lessons.record_lesson(
            session,
            admin,
            key,
            title='=HYPERLINK("http://evil")',
            tried="A chat assistant.",
            happened="Customers liked it.",
            outcome="success",
            category="adoption",
        )
        rita = people.create_person(session, admin, name="Rita Reviewer", email="rita@example.org")
        people.set_roles(session, admin, rita.id, ["viewer", "reviewer"])
        pipeline.set_stage_limits(session, admin, {"pilot": 150})
    return key, rita.id


def test_every_kind_of_change_is_recorded_and_readable(engine, admin):
    portfolio_with_history(engine, admin)
    with Session(engine) as session:
        page = audit.audit_page(session, audit.AuditFilter(), page_size=500)
    kinds = set(page.rows["Kind"])
    for kind in ("Use cases", "Scores", "Gate decisions and pilots", "KPIs and results", "Lessons"):
        assert kind in kinds, kind
    assert {"People and roles", "Settings"} <= kinds
    whats = set(page.rows["What"])
    assert {
        "Proposed",
        "Scored",
        "Gate decision",
        "KPI defined",
        "Results logged",
        "Lesson recorded",
    } <= whats
    assert {"Person added", "Roles changed", "Setting changed", "Stage changed"} <= whats
    moved = page.rows[page.rows["What"] == "Stage changed"].iloc[0]
    assert "Stage: Pilot" in moved["After"] and "Stage: Assessed" in moved["Before"]
    roles = page.rows[page.rows["What"] == "Roles changed"].iloc[0]
    assert roles["Before"] == "Roles: Viewer" and roles["After"] == "Roles: Reviewer, Viewer"
    # No raw keys, no "None", no ISO timestamps in what people read.
    text = " ".join(str(v) for v in page.rows[["Before", "After"]].to_numpy().ravel() if v)
    for raw in ("None", "scale_up", "stage_entered_at", "T00:00", "_id"):
        assert raw not in text, raw


def test_the_use_case_trail_includes_its_kpis_and_results(engine, admin):
    key, _ = portfolio_with_history(engine, admin)
    with Session(engine) as session:
        trail = audit.use_case_trail(session, key)
    assert {"Proposed", "Scored", "Gate decision", "KPI defined", "Results logged", "Lesson recorded"} <= set(
        trail["What"]
    )
    assert set(trail["Use case"]) == {key}
    assert "Person added" not in set(trail["What"])


def test_filters_by_person_use_case_kind_and_dates(engine, admin):
    key, rita_id = portfolio_with_history(engine, admin)
    other = assessed(engine, admin, title="Shelf labels")
    with Session(engine) as session:
        everything = audit.audit_page(session, audit.AuditFilter(), page_size=1000).total
        by_kind = audit.audit_page(session, audit.AuditFilter(kinds=("People and roles",)), page_size=100)
        by_use_case = audit.audit_page(session, audit.AuditFilter(use_case=other), page_size=100)
        by_system = audit.audit_page(session, audit.AuditFilter(people=(audit.SYSTEM,)), page_size=100)
        by_admin = audit.audit_page(session, audit.AuditFilter(people=(admin.id,)), page_size=1000)
        by_rita = audit.audit_page(session, audit.AuditFilter(people=(rita_id,)))
        today = utc_now().date()
        today_only = audit.audit_page(session, audit.AuditFilter(since=today, until=today), page_size=1000)
        tomorrow = audit.audit_page(session, audit.AuditFilter(since=today + timedelta(days=1)))
        yesterday = audit.audit_page(session, audit.AuditFilter(until=today - timedelta(days=1)))
        combined = audit.audit_page(
            session, audit.AuditFilter(use_case=key, kinds=("Scores",), people=(admin.id,))
        )
    assert set(by_kind.rows["Kind"]) == {"People and roles"} and by_kind.total >= 3
    assert set(by_use_case.rows["Use case"]) == {other}
    assert set(by_system.rows["Who"]) == {"System"}  # the default scoring model and checklists
    assert set(by_admin.rows["Who"]) == {"Test Administrator"} and by_admin.total < everything
    assert by_admin.total + by_system.total < everything  # the second reviewers scored too
    assert by_rita.total == 0  # Rita changed nothing; others changed her
    assert today_only.total == everything and tomorrow.total == 0 and yesterday.total == 0
    assert combined.total == 1 and combined.rows.iloc[0]["What"] == "Scored"


def test_pages_are_counted_and_cut_in_the_database(engine, admin):
    portfolio_with_history(engine, admin)
    with Session(engine) as session:
        total = audit.audit_page(session, audit.AuditFilter(), page_size=1000).total
        first = audit.audit_page(session, audit.AuditFilter(), page=1, page_size=5)
        second = audit.audit_page(session, audit.AuditFilter(), page=2, page_size=5)
        beyond = audit.audit_page(session, audit.AuditFilter(), page=999, page_size=5)
    assert first.total == total and first.pages == -(-total // 5)
    assert len(first.rows) == 5 and len(second.rows) == 5
    assert not set(first.rows["id"]) & set(second.rows["id"])
    assert list(first.rows["When"]) == sorted(first.rows["When"], reverse=True)  # newest first
    assert beyond.page == beyond.pages and len(beyond.rows) >= 1


def test_before_and_after_side_by_side_field_by_field(engine, admin):
    portfolio_with_history(engine, admin)
    with Session(engine) as session:
        page = audit.audit_page(session, audit.AuditFilter(kinds=("Use cases",)), page_size=100)
    stage_change = page.rows[page.rows["What"] == "Stage changed"].iloc[0]
    rows = {r["Field"]: r for r in page.comparisons[stage_change["id"]]}
    assert rows["Stage"]["Before"] == "Assessed" and rows["Stage"]["After"] == "Pilot"
    assert "In this stage since" in rows


def test_values_read_as_words():
    people_by_id = {7: "Ana Silva"}
    assert value_words("stage", "scale_up") == "Scale-up" or value_words("stage", "scale_up") != "scale_up"
    assert value_words("decided_on", "2026-05-07") == "7 May 2026"
    assert value_words("at", "2026-05-07T14:03:00+00:00") == "7 May 2026, 14:03"
    assert value_words("reason", None) == "—"
    assert value_words("customer_facing", True) == "Yes"
    assert value_words("owner_id", 7, people_by_id) == "Ana Silva"
    assert value_words("roles", ["viewer", "approver"]) == "Viewer, Approver"
    assert comparison(None, {"title": "New"}) == [{"Field": "Title", "Before": "—", "After": "New"}]
    assert set(KINDS) >= {"Use cases", "People and roles", "Settings", "Snapshots", "Imports"}


def test_the_export_is_every_matching_change_formula_safe(engine, admin):
    portfolio_with_history(engine, admin)
    with Session(engine) as session:
        total = audit.audit_page(session, audit.AuditFilter()).total
        data = audit.audit_csv(session, audit.AuditFilter())
        lessons_only = audit.audit_csv(session, audit.AuditFilter(kinds=("Lessons",)))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == total
    assert list(rows[0]) == ["When", "Who", "What", "Kind", "Use case", "Before", "After"]
    lesson_rows = list(csv.DictReader(io.StringIO(lessons_only.decode("utf-8-sig"))))
    assert len(lesson_rows) == 1
    # Inside the cell, never at its start (the parts come in the database's JSON order, so any part may lead).
    assert any(part.startswith("Title: =HYPERLINK") for part in lesson_rows[0]["After"].split(" · "))
    assert all(not str(v).startswith(("=", "+", "@")) for row in rows for v in row.values())
