"""The demo's audit trail tells the same story as its stage history: each event is dated on the day of the step
it belongs to, never at the moment the demo was loaded, and never in the future."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from portfolio import db
from portfolio.models import AuditEvent, Lesson, Measurement, Snapshot, StageChange, UseCase, utc_now
from portfolio.services.audit import events_dated, record_event


def test_stage_moves_in_the_audit_trail_carry_the_dates_of_the_stage_history(demo_url):
    engine = db.make_engine(demo_url)
    try:
        with Session(engine) as session:
            keys = dict(session.exec(select(UseCase.id, UseCase.key)).all())
            history: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for change in session.exec(select(StageChange).order_by(StageChange.id)).all():
                history[keys[change.use_case_id]].append(
                    (change.to_stage, change.changed_at.date().isoformat())
                )
            trail: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for event in session.exec(
                select(AuditEvent)
                .where(AuditEvent.action.in_(["use_case.proposed", "use_case.stage_changed"]))  # type: ignore[attr-defined]
                .order_by(AuditEvent.id)
            ).all():
                trail[event.entity_id].append((event.after["stage"], event.at.date().isoformat()))
            events = session.exec(select(AuditEvent.at, AuditEvent.action)).all()
            last_result = session.exec(
                select(Measurement.measured_on).order_by(Measurement.measured_on.desc())
            ).first()
            snapshot_times = session.exec(select(Snapshot.taken_at)).all()
            lessons_written = session.exec(select(Lesson.created_at)).all()
    finally:
        engine.dispose()
    assert len(history) == 36
    assert trail == history  # every move, in order, on the day of the stage history
    now = utc_now()
    assert all(at <= now for at, _ in events)
    story = [at for at, action in events if action != "person.registered"]
    assert min(story) < now - timedelta(days=180)  # the story spans the year, not the load
    assert sorted({at.date() for at, action in events if action == "snapshot.taken"}) == sorted(
        t.date() for t in snapshot_times
    )
    assert max(at.date() for at, action in events if action == "measurements.logged") <= last_result
    # Every lesson of the story is recorded on its day, none at the moment the demo was loaded.
    loaded = now - timedelta(minutes=5)
    assert all(at < loaded for at, action in events if action == "lesson.recorded")
    assert all(written < loaded for written in lessons_written)


def test_events_dated_is_scoped_to_its_block_and_never_dates_an_event_in_the_future(engine, admin):
    past = datetime(2026, 5, 7, 9, tzinfo=UTC)
    with db.unit_of_work(engine) as session:
        with events_dated(past):
            record_event(session, admin, "setting.changed", "setting", "a")
            with events_dated(utc_now() + timedelta(days=30)):
                record_event(session, admin, "setting.changed", "setting", "b")
        record_event(session, admin, "setting.changed", "setting", "c")
    with Session(engine) as session:
        at = dict(
            session.exec(
                select(AuditEvent.entity_id, AuditEvent.at).where(AuditEvent.entity == "setting")
            ).all()
        )
    assert at["a"] == past
    now = utc_now()
    assert now - timedelta(minutes=5) < at["b"] <= now and now - timedelta(minutes=5) < at["c"] <= now
