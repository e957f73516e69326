"""Quarterly snapshots: content, statuses computed when taken, history, checksum, immutability, replace."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import Conflict, InvalidInput, NotAllowed, NotFound, RuleViolation
from portfolio.kpis import kpi_status
from portfolio.models import (
    AuditEvent,
    Kpi,
    Sector,
    Snapshot,
    SnapshotStatus,
    Stage,
    StageChange,
    UseCase,
    utc_now,
)
from portfolio.quarters import Quarter, quarter_of
from portfolio.reports import snapshot_views
from portfolio.services import people, results, snapshots, use_cases
from portfolio.services.snapshot_state import end_of
from portfolio.services.snapshots import SnapshotTampered
from portfolio.views.overview import OverviewFilter, overview
from tests.conftest import ADMIN_EMAIL, counts
from tests.services.factories import propose
from tests.snapshot_fixtures import demo_copy_url, snapshot_demo_template  # noqa: F401

TODAY = utc_now().date()
THIS_QUARTER = quarter_of(TODAY)
LAST_QUARTER = THIS_QUARTER.previous()


def take(engine, quarter: str = THIS_QUARTER.label, **options) -> Snapshot:
    with db.unit_of_work(engine) as session:
        actor = people.actor_for(session, ADMIN_EMAIL)
        return snapshots.take_snapshot(session, actor, quarter, **options)


@pytest.fixture
def demo(demo_copy_url):  # noqa: F811
    engine = db.make_engine(demo_copy_url)
    yield engine
    engine.dispose()


# --- quarters -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["2026-Q5", "Q4", "2026Q4", "2026-Q0", "26-Q1", "", None, 2026, "1999-Q1"])
def test_a_bad_quarter_label_is_refused_with_how_to_write_one(label):
    with pytest.raises(InvalidInput) as refused:
        snapshots.parse_quarter(label)
    assert "such as 2026-Q4" in str(refused.value)


def test_quarters_know_their_days_and_neighbours():
    q4 = snapshots.parse_quarter(" 2026-q4 ")
    assert q4 == Quarter(2026, 4) and q4.last_day == date(2026, 12, 31)
    assert snapshots.parse_quarter("2026-Q1").first_day == date(2026, 1, 1)


# --- content ------------------------------------------------------------------------------------------------


def test_the_demo_comes_with_the_two_previous_quarters(demo):
    with Session(demo) as session:
        listed = snapshots.list_snapshots(session)
    assert list(listed["quarter"]) == [LAST_QUARTER.label, LAST_QUARTER.previous().label]
    assert listed["intact"].all() and set(listed["status"]) == {"current"}
    assert list(listed["as_of"]) == [LAST_QUARTER.last_day, LAST_QUARTER.previous().last_day]


def test_a_snapshot_freezes_every_use_case_and_totals_that_match_the_portfolio(demo):
    content = take(demo).content
    with Session(demo) as session:
        table = use_cases.portfolio_table(session)
        value = results.value_table(session)
        by_stage = dict(session.execute(text("SELECT stage, count(*) FROM use_case GROUP BY stage")).all())
        customer_facing_active = session.execute(
            text(
                "SELECT count(*) FROM use_case WHERE customer_facing "
                "AND stage IN ('proposed','assessed','pilot','scale_up','production')"
            )
        ).scalar_one()
    totals, figures = content["totals"], {f["key"]: f["value"] for f in content["headline"]}
    assert [c["key"] for c in content["use_cases"]] == list(table["key"])
    assert totals["use_cases"] == len(table)
    assert {s: n for s, n in totals["by_stage"].items() if n} == by_stage
    assert figures["active"] == sum(
        n for s, n in by_stage.items() if s not in ("retired", "rejected", "stopped")
    )
    assert figures["pilots"] == by_stage["pilot"]
    assert figures["scaled_or_live"] == by_stage["scale_up"] + by_stage["production"]
    running = value[value["active"]]
    assert figures["value_per_year"] == pytest.approx(12 * running["value_per_month"].sum(), abs=0.05)
    assert figures["net_value_first_year"] == pytest.approx(running["net_first_year"].sum(), abs=0.05)
    assert totals["trust"]["customer_facing"] == customer_facing_active
    row = next(c for c in content["use_cases"] if c["key"] == "UC-0001")
    source = table[table["key"] == "UC-0001"].iloc[0]
    assert (row["stage"], row["owner"], row["team"], row["sector"]) == (
        source["stage"],
        source["owner"],
        source["team"],
        source["sector"],
    )
    assert (row["impact"], row["risk"], row["quadrant"]) == (
        source["impact"],
        source["risk"],
        source["quadrant"],
    )
    assert row["days_in_stage"] == source["days_in_stage"]
    assert content["as_of"] == TODAY.isoformat() and content["quarter"] == THIS_QUARTER.label
    assert sum(totals["kpi_health"].values()) <= len(content["kpis"])


def test_the_headline_figures_are_the_leadership_overviews(demo):
    content = take(demo).content
    with Session(demo) as session:
        board = overview(session, OverviewFilter(), today=TODAY)
    assert content["headline"] == [
        {
            "key": f.key,
            "label": f.label,
            "value": round(f.value, 2) if isinstance(f.value, float) else f.value,
            "unit": f.unit,
            "previous": round(f.previous, 2) if isinstance(f.previous, float) else f.previous,
            "previous_basis": f.previous_basis,
        }
        for f in board.headline
    ]
    assert {f["previous_basis"] for f in content["headline"]} == {f"snapshot {LAST_QUARTER.label}"}
    # The funnel frozen from the rows counts what the overview's funnel counts.
    assert {c.stage: c.count for c in board.funnel} == content["totals"]["by_stage"]


def test_a_past_quarter_has_the_figures_the_overview_reads_from_the_history(demo):
    """The overview compares with last quarter from the history when filtered (it reads snapshots only
    unfiltered); filtered to every sector it covers the whole portfolio, so its figures must be the frozen ones."""
    with Session(demo) as session:
        frozen = {
            f["key"]: f["value"]
            for f in snapshots.get_snapshot(session, LAST_QUARTER.label).content["headline"]
        }
        everything = OverviewFilter(sectors=tuple(s.value for s in Sector))
        board = overview(session, everything, today=TODAY)
    assert frozen == {
        f.key: round(f.previous, 2) if isinstance(f.previous, float) else f.previous for f in board.headline
    }
    assert {f.previous_basis for f in board.headline if f.previous is not None} == {"history"}


def test_kpi_statuses_are_computed_when_taken_never_read_from_the_stored_column(demo):
    content = take(demo).content
    with Session(demo) as session:
        kpis = {(k.use_case_id, k.name): k for k in session.exec(select(Kpi)).all()}
        keys = dict(session.exec(select(UseCase.id, UseCase.key)).all())
    by_key = {(keys[u], n): k for (u, n), k in kpis.items()}
    for row in content["kpis"]:
        kpi = by_key[(row["key"], row["kpi"])]
        expected = kpi_status(
            direction=kpi.direction,
            baseline=kpi.baseline,
            baseline_on=kpi.baseline_on,
            target=kpi.target,
            target_on=kpi.target_on,
            latest_value=kpi.latest_value,
            latest_on=kpi.latest_on,
            today=TODAY,
        )
        assert row["status"] == expected.value
    assert len({r["status"] for r in content["kpis"]}) >= 3


def test_a_past_quarter_is_taken_from_the_history(demo):
    with Session(demo) as session:
        stored = snapshots.get_snapshot(session, LAST_QUARTER.label).content
        later = set(
            session.exec(
                select(UseCase.key)
                .join(StageChange, StageChange.use_case_id == UseCase.id)
                .where(
                    StageChange.from_stage.is_(None), StageChange.changed_at >= end_of(LAST_QUARTER.last_day)
                )
            ).all()
        )
    keys = {c["key"] for c in stored["use_cases"]}
    assert stored["as_of"] == LAST_QUARTER.last_day.isoformat()
    assert later and not keys & later
    for row in stored["use_cases"]:
        assert date.fromisoformat(row["stage_entered_on"]) <= LAST_QUARTER.last_day
    for row in stored["kpis"]:
        assert row["latest_on"] is None or date.fromisoformat(row["latest_on"]) <= LAST_QUARTER.last_day
    for event in ("gate_decisions", "pilot_reviews"):
        for row in stored[event]:
            assert LAST_QUARTER.first_day <= date.fromisoformat(row["decided_on"]) <= LAST_QUARTER.last_day
    for row in stored["stage_moves"]:
        assert LAST_QUARTER.first_day <= date.fromisoformat(row["moved_on"]) <= LAST_QUARTER.last_day


def test_as_of_must_fall_in_the_quarter_and_not_in_the_future(demo):
    before = counts(demo)
    for as_of, words in (
        (LAST_QUARTER.last_day + timedelta(days=1), "outside"),
        ("30/09/2026", "not a date"),
        (TODAY + timedelta(days=1), "future" if THIS_QUARTER.last_day > TODAY else "outside"),
    ):
        with pytest.raises(InvalidInput) as refused:
            take(
                demo,
                LAST_QUARTER.label if words != "future" else THIS_QUARTER.label,
                as_of=as_of,
                replace=True,
            )
        assert words in str(refused.value)
    assert counts(demo) == before


def test_a_quarter_not_started_or_without_data_is_refused(demo):
    before = counts(demo)
    with pytest.raises(RuleViolation, match="has not started yet"):
        take(demo, THIS_QUARTER.next().label)
    with pytest.raises(RuleViolation, match="There is no data for 2001-Q1"):
        take(demo, "2001-Q1")
    assert counts(demo) == before


def test_only_approvers_take_snapshots(engine, admin):
    propose(engine, admin)
    with db.unit_of_work(engine) as session:
        viewer = people.create_person(
            session, admin, name="Vera Viewer", email="vera@example.org", roles=["viewer"]
        )
    with db.unit_of_work(engine) as session, pytest.raises(NotAllowed, match="approver"):
        snapshots.take_snapshot(session, people.actor_for(session, "vera@example.org"), THIS_QUARTER.label)
    assert viewer is not None
    with Session(engine) as session:
        assert session.exec(select(Snapshot)).all() == []


# --- immutability and checksum ------------------------------------------------------------------------------


def test_taking_a_quarter_again_needs_replace_and_keeps_the_earlier_one(demo):
    first = take(demo)
    before = counts(demo)
    with pytest.raises(Conflict, match="already taken"):
        take(demo)
    assert counts(demo) == before
    second = take(demo, replace=True)
    with Session(demo) as session:
        old = session.get(Snapshot, first.id)
        assert old.status == SnapshotStatus.superseded
        assert old.checksum == first.checksum and snapshots.is_intact(old)
        assert snapshots.get_snapshot(session, THIS_QUARTER.label).id == second.id
        events = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "snapshot").order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.entity_id) for e in events[-3:]] == [
        ("snapshot.taken", str(first.id)),
        ("snapshot.superseded", str(first.id)),
        ("snapshot.taken", str(second.id)),
    ]
    assert events[-1].after["replaces"] == first.id and events[-1].after["checksum"] == second.checksum


def test_no_code_path_changes_or_deletes_a_snapshot(demo):
    snapshot = take(demo)
    for change in (
        lambda s: setattr(s, "content", {**s.content, "quarter": "2020-Q1"}),
        lambda s: setattr(s, "checksum", "0" * 64),
        lambda s: setattr(s, "quarter", "2020-Q1"),
        lambda s: setattr(s, "status", SnapshotStatus.superseded) or setattr(s, "checksum", "1" * 64),
    ):
        with pytest.raises(RuleViolation, match="never changed"), db.unit_of_work(demo) as session:
            row = session.get(Snapshot, snapshot.id)
            change(row)
            session.add(row)
            session.flush()
    with pytest.raises(RuleViolation, match="never changed"), db.unit_of_work(demo) as session:
        session.delete(session.get(Snapshot, snapshot.id))
        session.flush()
    with Session(demo) as session:
        assert snapshots.is_intact(session.get(Snapshot, snapshot.id))
    # The service offers taking, reading and listing only.
    public = {
        name for name in dir(snapshots) if not name.startswith("_") and callable(getattr(snapshots, name))
    }
    assert not {n for n in public if n.startswith(("update", "delete", "edit", "remove", "change", "set_"))}


def tamper(engine, snapshot_id: int, change) -> None:
    """Edit a snapshot's stored JSON behind the application's back, as someone with database access could."""
    with engine.begin() as connection:
        stored = connection.execute(
            text("SELECT content FROM snapshot WHERE id = :id"), {"id": snapshot_id}
        ).scalar_one()
        content = stored if isinstance(stored, dict) else json.loads(stored)
        change(content)
        cast = "CAST(:content AS jsonb)" if engine.dialect.name == "postgresql" else ":content"
        connection.execute(
            text(f"UPDATE snapshot SET content = {cast} WHERE id = :id"),
            {"content": json.dumps(content), "id": snapshot_id},
        )


def test_a_tampered_snapshot_is_refused_everywhere(demo):
    snapshot = take(demo)
    tamper(demo, snapshot.id, lambda content: content["use_cases"][0].update(stage=Stage.production.value))
    with Session(demo) as session:
        with pytest.raises(SnapshotTampered, match="fails its integrity check"):
            snapshots.get_snapshot(session, THIS_QUARTER.label)
        listed = snapshots.list_snapshots(session)
        assert not listed.set_index("id").loc[snapshot.id, "intact"]
        assert listed[listed["id"] != snapshot.id]["intact"].all()


def test_a_snapshot_checked_before_is_checked_again_once_altered(demo):
    # Listing and viewing remember what the full check found for the stored text; a change to that text
    # must be caught all the same.
    snapshot = take(demo)
    with Session(demo) as session:
        assert snapshots.list_snapshots(session).set_index("id").loc[snapshot.id, "intact"]
        assert snapshots.get_snapshot_by_id(session, snapshot.id).checksum == snapshot.checksum
    tamper(demo, snapshot.id, lambda content: content.update(taken_by="Someone else"))
    with Session(demo) as session:
        assert not snapshots.list_snapshots(session).set_index("id").loc[snapshot.id, "intact"]
        with pytest.raises(SnapshotTampered, match="fails its integrity check"):
            snapshots.get_snapshot_by_id(session, snapshot.id)


def test_a_checked_snapshot_whose_recorded_checksum_changes_is_refused(demo):
    snapshot = take(demo)
    with Session(demo) as session:
        assert snapshots.list_snapshots(session).set_index("id").loc[snapshot.id, "intact"]
    with demo.begin() as connection:
        connection.execute(
            text("UPDATE snapshot SET checksum = :checksum WHERE id = :id"),
            {"checksum": "0" * 64, "id": snapshot.id},
        )
    with Session(demo) as session:
        assert not snapshots.list_snapshots(session).set_index("id").loc[snapshot.id, "intact"]
        with pytest.raises(SnapshotTampered, match="fails its integrity check"):
            snapshots.get_snapshot_by_id(session, snapshot.id)


def test_the_checksum_is_over_canonical_content():
    content = {"b": [1, 2.5, None], "a": "Café – €", "quarter": "2026-Q4"}
    reordered = {"quarter": "2026-Q4", "a": "Café – €", "b": [1, 2.5, None]}
    assert snapshots.checksum(content) == snapshots.checksum(reordered)
    assert len(snapshots.checksum(content)) == 64
    assert snapshots.checksum(content) != snapshots.checksum({**content, "a": "Cafe – €"})


def test_a_remembered_report_or_comparison_is_refused_once_its_snapshot_is_altered(demo):
    # The page's board report and comparison are remembered by the exact stored text they came from; an
    # altered snapshot must be refused, and a comparison with the previous quarter too.
    later = take(demo)
    with Session(demo) as session:
        earlier = snapshots.get_snapshot(session, LAST_QUARTER.label)  # the demo's
        page = snapshot_views.snapshots_page(session)
        assert page.listing["intact"].all()
        view = snapshot_views.snapshot_view(session, later.id, page.states)
        assert view.quarter == THIS_QUARTER.label and view.report.headlines
        assert snapshot_views.snapshot_view(session, later.id) == view  # remembered, without states too
        comparison = snapshot_views.compare_snapshots(session, later.id, earlier.id, page.states)
        assert comparison.before_quarter == LAST_QUARTER.label
    tamper(demo, earlier.id, lambda content: content.update(taken_by="Someone else"))
    with Session(demo) as session:
        page = snapshot_views.snapshots_page(session)
        assert not page.listing.set_index("id").loc[earlier.id, "intact"]
        with pytest.raises(SnapshotTampered, match="fails its integrity check"):
            snapshot_views.snapshot_view(session, later.id, page.states)  # its previous quarter is altered
        with pytest.raises(SnapshotTampered, match="fails its integrity check"):
            snapshot_views.compare_snapshots(session, earlier.id, later.id, page.states)
        with pytest.raises(SnapshotTampered, match="fails its integrity check"):
            snapshot_views.snapshot_view(session, earlier.id)


def test_a_snapshot_view_of_an_unknown_number_says_so(demo):
    take(demo)
    with Session(demo) as session, pytest.raises(NotFound, match="no snapshot number 999"):
        snapshot_views.snapshot_view(session, 999)
