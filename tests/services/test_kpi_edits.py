"""Editing a KPI's definition and retiring a KPI: version checks, audit, every problem at once, and a retired
KPI kept in its use case's history but counted nowhere as an active KPI."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import InvalidInput, RuleViolation, StaleEditError
from portfolio.lifecycle import ACTIVE
from portfolio.models import AuditEvent, Kpi, Measurement, utc_now
from portfolio.services import gates, kpi_edits, people, results, snapshot_state, trust, use_cases
from portfolio.views import overview_queries
from tests.conftest import counts
from tests.services.factories import propose

TODAY = utc_now().date()


def define(engine, actor, key, **fields):
    spec = {
        "name": "Customer satisfaction",
        "kind": "trust",
        "unit": "score 1-10",
        "direction": "higher",
        "baseline": 7.0,
        "baseline_on": TODAY - timedelta(days=60),
        "target": 8.5,
        "target_on": TODAY + timedelta(days=60),
    } | fields
    with db.unit_of_work(engine) as session:
        return results.define_kpi(session, actor, key, **spec).id


def log(engine, actor, kpi_id, *values):
    rows = [{"measured_on": TODAY - timedelta(days=7 * n), "value": v} for n, v in enumerate(values)]
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, actor, kpi_id, rows)


def version(engine, kpi_id):
    with Session(engine) as session:
        return session.get(Kpi, kpi_id).version


def status(engine, key, kpi_id):
    with Session(engine) as session:
        kpis = use_cases.use_case_detail(session, key).kpis
    return kpis.set_index("id").loc[kpi_id, "status"]


def test_an_edit_changes_the_definition_audits_it_and_statuses_follow_when_read(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    log(engine, admin, kpi_id, 8.0)
    assert status(engine, key, kpi_id) != "achieved"
    with db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(
            session,
            admin,
            kpi_id,
            expected_version=version(engine, kpi_id),
            name="CSAT after chat",
            target=7.8,
            method="Survey after each chat",
        )
    with Session(engine) as session:
        kpi = session.get(Kpi, kpi_id)
        assert (kpi.name, kpi.target, kpi.method, kpi.baseline) == (
            "CSAT after chat",
            7.8,
            "Survey after each chat",
            7.0,
        )
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "kpi.edited")).one()
    assert status(engine, key, kpi_id) == "achieved"  # computed from the new target when read
    assert event.entity_id == key and event.actor_id == admin.id
    assert event.before == {
        "kpi": "Customer satisfaction",
        "kpi_id": kpi_id,
        "name": "Customer satisfaction",
        "target": 8.5,
        "method": "",
    }
    assert event.after == {
        "kpi": "Customer satisfaction",
        "kpi_id": kpi_id,
        "name": "CSAT after chat",
        "target": 7.8,
        "method": "Survey after each chat",
    }


def test_an_edit_on_an_out_of_date_page_is_refused_naming_who_changed_what(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    seen = version(engine, kpi_id)
    with db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(session, admin, kpi_id, expected_version=seen, target=9.0)
    before = counts(engine)
    with pytest.raises(StaleEditError) as refused, db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(session, admin, kpi_id, expected_version=seen, target=9.5)
    assert "Test Administrator changed Target" in str(refused.value)
    assert counts(engine) == before
    with Session(engine) as session:
        assert session.get(Kpi, kpi_id).target == 9.0


def test_every_problem_with_an_edit_is_reported_at_once_under_its_field(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    define(engine, admin, key, name="Opt-outs", unit="%", direction="lower", baseline=5.0, target=2.0)
    with pytest.raises(InvalidInput) as refused, db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(session, admin, kpi_id, expected_version=1, name="", unit="", kind="mood")
    assert set(refused.value.problems) == {"name", "unit", "kind"}
    with pytest.raises(InvalidInput) as refused, db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(session, admin, kpi_id, expected_version=1, name=" ", target=7.0)
    assert refused.value.problems == {
        "name": "KPI name is required.",
        "target": "Target must differ from the baseline, or there is nothing to improve.",
    }
    with pytest.raises(InvalidInput) as refused, db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(session, admin, kpi_id, expected_version=1, target_on=TODAY - timedelta(days=90))
    assert "target_on" in refused.value.problems
    with (
        pytest.raises(InvalidInput, match="already has a KPI called 'Opt-outs'"),
        db.unit_of_work(engine) as s,
    ):
        kpi_edits.edit_kpi(s, admin, kpi_id, expected_version=1, name="Opt-outs")
    with pytest.raises(InvalidInput, match="cannot be changed here"), db.unit_of_work(engine) as s:
        kpi_edits.edit_kpi(s, admin, kpi_id, expected_version=1, latest_value=10)
    log(engine, admin, kpi_id, 8.0)
    with (
        pytest.raises(InvalidInput, match="retire this KPI and define a new one"),
        db.unit_of_work(engine) as s,
    ):
        kpi_edits.edit_kpi(s, admin, kpi_id, expected_version=version(engine, kpi_id), unit="count")


def test_a_baseline_can_be_cleared_and_a_viewer_cannot_edit(engine, admin):
    key = propose(engine, admin)
    kpi_id = define(engine, admin, key)
    with db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(session, admin, kpi_id, expected_version=1, baseline=None, baseline_on=None)
        people.create_person(session, admin, name="Vera Viewer", email="vera@example.org", roles=["viewer"])
    with Session(engine) as session:
        assert session.get(Kpi, kpi_id).baseline is None
        viewer = people.actor_for(session, "vera@example.org")
    with pytest.raises(Exception, match="contributor"), db.unit_of_work(engine) as session:
        kpi_edits.edit_kpi(session, viewer, kpi_id, expected_version=2, method="x")


def test_a_retired_kpi_keeps_its_history_and_takes_no_new_results(engine, admin):
    key = propose(engine, admin, customer_facing=True)
    kpi_id = define(engine, admin, key)
    log(engine, admin, kpi_id, 8.0, 7.5)
    with pytest.raises(InvalidInput) as refused, db.unit_of_work(engine) as session:
        kpi_edits.retire_kpi(session, admin, kpi_id, expected_version=version(engine, kpi_id), reason="  ")
    assert "reason" in refused.value.problems
    with db.unit_of_work(engine) as session:
        kpi_edits.retire_kpi(
            session, admin, kpi_id, expected_version=version(engine, kpi_id), reason="Replaced by NPS"
        )
    with Session(engine) as session:
        kpi = session.get(Kpi, kpi_id)
        assert (kpi.retired_on, kpi.retired_reason) == (TODAY, "Replaced by NPS")
        assert len(session.exec(select(Measurement).where(Measurement.kpi_id == kpi_id)).all()) == 2
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "kpi.retired")).one()
        assert event.after == {
            "kpi": "Customer satisfaction",
            "kpi_id": kpi_id,
            "retired_on": TODAY.isoformat(),
            "retired_reason": "Replaced by NPS",
        }
        detail = use_cases.use_case_detail(session, key)
        assert detail.kpis.set_index("id").loc[kpi_id, "retired_on"] == TODAY.isoformat()
        assert "No KPIs" in detail.gaps
        assert len(results.measurements_for_use_case(session, key)) == 2  # the trend stays
        assert results.kpi_choices(session, key) == []
    for write in (
        lambda s: results.log_measurements(s, admin, kpi_id, [{"measured_on": TODAY, "value": 9}]),
        lambda s: results.preview_measurements(s, kpi_id, [{"measured_on": TODAY, "value": 9}]),
        lambda s: kpi_edits.edit_kpi(s, admin, kpi_id, expected_version=version(engine, kpi_id), target=9.0),
        lambda s: kpi_edits.retire_kpi(
            s, admin, kpi_id, expected_version=version(engine, kpi_id), reason="x"
        ),
    ):
        with pytest.raises(RuleViolation, match="was retired on"), db.unit_of_work(engine) as session:
            write(session)


def test_a_retired_kpi_no_longer_counts_as_an_active_kpi_anywhere(engine, admin):
    key = propose(engine, admin, customer_facing=True)
    trust_id = define(engine, admin, key)
    money_id = define(
        engine, admin, key, name="Sales", kind="business", unit="EUR per month", baseline=0.0, target=5000.0
    )
    log(engine, admin, trust_id, 8.0)
    log(engine, admin, money_id, 4000.0)
    with Session(engine) as session:
        assert results.value_of(session, key)["value_per_month"] == 4000.0
        assert len(gates.gate_facts(session, use_cases.get_use_case(session, key)).kpis) == 2
        assert "No KPIs" not in use_cases.portfolio_table(session).set_index("key").loc[key, "gaps"]
        assert len(trust.trust_kpis(session)) == 1
    for kpi_id in (trust_id, money_id):
        with db.unit_of_work(engine) as session:
            kpi_edits.retire_kpi(
                session, admin, kpi_id, expected_version=version(engine, kpi_id), reason="Wrong"
            )
    with Session(engine) as session:
        use_case = use_cases.get_use_case(session, key)
        assert gates.gate_facts(session, use_case).kpis == ()
        assert "No KPIs" in use_cases.portfolio_table(session).set_index("key").loc[key, "gaps"]
        assert trust.trust_kpis(session).empty
        assert trust.trust_trends(session).empty
        assert "No trust KPI" in trust.trust_overview(session).set_index("key").loc[key, "gaps"]
        assert results.value_of(session, key)["value_per_month"] is None  # not measured any more
        assert snapshot_state.current_state(session, TODAY).kpis == []
        scope = overview_queries.Scope()
        assert [
            k for k, _, _ in overview_queries.worst_kpi_status(session, scope, ACTIVE, TODAY) if k == key
        ] == []
        assert (
            overview_queries.kpi_alerts(session, scope, ACTIVE, ["no_recent_data", "on_track"], TODAY, 10)[0]
            == 0
        )
        assert all(
            unit is None for k, _, _, unit, _ in overview_queries.value_now(session, scope) if k == key
        )
