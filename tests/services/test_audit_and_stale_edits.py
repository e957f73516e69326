"""The audit trail of results, and edits made on out-of-date pages."""

import inspect
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import Conflict, InvalidInput, StaleEditError
from portfolio.models import AuditEvent, utc_now
from portfolio.services import audit, people, results, use_cases
from portfolio.services.audit import Actor
from portfolio.views import audit as audit_view
from tests.conftest import counts
from tests.services.factories import propose

TODAY = utc_now().date()


def define(engine, actor, key):
    with db.unit_of_work(engine) as session:
        return results.define_kpi(
            session,
            actor,
            key,
            name="Customer satisfaction",
            kind="trust",
            unit="score 1-10",
            direction="higher",
            baseline=7.2,
            target=8.5,
        ).id


def events(engine, action):
    with Session(engine) as session:
        return session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_logged_results_are_audited_with_their_values_on_the_use_case(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    rows = [{"measured_on": TODAY - timedelta(days=d), "value": 7 + d / 10} for d in (14, 7, 0)]
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, admin, kpi_id, rows)
    (event,) = events(engine, "measurements.logged")
    assert (event.entity, event.entity_id) == ("use_case", key)
    assert event.after["count"] == 3 and event.after["kpi"] == "Customer satisfaction"
    assert event.after["values"] == [
        {"measured_on": r["measured_on"].isoformat(), "value": r["value"]} for r in rows
    ]
    with Session(engine) as session:
        trail = audit_view.use_case_trail(session, key)
    logged = trail[trail["What"] == "Results logged"]
    assert len(logged) == 1
    assert "Customer satisfaction" in logged.iloc[0]["After"] and "8.4" in logged.iloc[0]["After"]


def test_a_correction_is_audited_before_and_after_on_the_use_case(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    with db.unit_of_work(engine) as session:
        measurement = results.log_measurements(
            session, admin, kpi_id, [{"measured_on": TODAY, "value": 7.0}]
        )[0]
    with db.unit_of_work(engine) as session:
        results.correct_measurement(
            session, admin, measurement.id, expected_version=1, value=8.6, reason="Survey double-counted"
        )
    (event,) = events(engine, "measurement.corrected")
    assert (event.entity, event.entity_id) == ("use_case", key)
    assert event.before["value"] == 7.0 and event.after["value"] == 8.6
    assert event.after["reason"] == "Survey double-counted"
    assert event.after["kpi"] == "Customer satisfaction" and event.after["measured_on"] == TODAY.isoformat()
    with Session(engine) as session:
        trail = audit_view.use_case_trail(session, key)
    corrected = trail[trail["What"] == "Result corrected"].iloc[0]
    # PostgreSQL keeps JSON keys in its own order, so the summary is read for its parts, not their order.
    assert "Value: 7" in corrected["Before"].split(" · ") and "Value: 8.6" in corrected["After"]
    assert "Survey double-counted" in corrected["After"]


def test_events_filed_under_a_kpi_show_on_its_use_case(engine, admin):
    """Results logged before events were filed under the use case still appear on its audit tab."""
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    with db.unit_of_work(engine) as session:
        audit.record_event(
            session, admin, "measurements.logged", "kpi", kpi_id, after={"kpi": "CSAT", "count": 2}
        )
    with Session(engine) as session:
        assert "Results logged" in set(audit_view.use_case_trail(session, key)["What"])


def test_an_empty_batch_writes_no_event(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    before = counts(engine)
    with db.unit_of_work(engine) as session:
        assert results.log_measurements(session, admin, kpi_id, []) == []
    assert counts(engine) == before


def test_the_actors_name_comes_from_their_person_record(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    impostor = Actor(id=admin.id, name="Someone Else", email=admin.email, roles=admin.roles)
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, impostor, kpi_id, [{"measured_on": TODAY, "value": 8.0}])
    (event,) = events(engine, "measurements.logged")
    assert event.actor_name == "Test Administrator"


@pytest.mark.parametrize("service", [use_cases.update_use_case, results.correct_measurement])
def test_update_services_require_the_version_the_editor_saw(service):
    parameter = inspect.signature(service).parameters["expected_version"]
    assert parameter.default is inspect.Parameter.empty and parameter.kind is inspect.Parameter.KEYWORD_ONLY


def test_a_missing_version_is_refused_clearly(engine, admin):
    key = propose(engine, admin)
    with (
        pytest.raises(InvalidInput, match="version of the record you edited"),
        db.unit_of_work(engine) as session,
    ):
        use_cases.update_use_case(session, admin, key, expected_version=None, title="No version")


def test_a_stale_edit_says_who_changed_what(engine, admin):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Ana Lopez", email="ana@example.org", roles=["contributor"])
        ana = people.actor_for(session, "ana@example.org")
    with db.unit_of_work(engine) as session:
        use_cases.update_use_case(
            session, ana, key, expected_version=1, title="Simple questions", team="Care"
        )
    before = counts(engine)
    with pytest.raises(StaleEditError) as refused, db.unit_of_work(engine) as session:
        use_cases.update_use_case(session, admin, key, expected_version=1, title="My title")
    assert isinstance(refused.value, Conflict)
    message = str(refused.value)
    assert f"{key} was changed by someone else" in message
    assert "Ana Lopez changed Title and Team" in message
    assert "not saved" in message
    assert counts(engine) == before


def test_a_stale_correction_says_what_changed(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    with db.unit_of_work(engine) as session:
        measurement = results.log_measurements(
            session, admin, kpi_id, [{"measured_on": TODAY, "value": 7.0}]
        )[0]
    with db.unit_of_work(engine) as session:
        results.correct_measurement(
            session, admin, measurement.id, expected_version=1, value=8.0, reason="Typo"
        )
    with (
        pytest.raises(StaleEditError, match="corrected the value from 7 to 8"),
        db.unit_of_work(engine) as session,
    ):
        results.correct_measurement(session, admin, measurement.id, expected_version=1, value=9.0, reason="x")
