"""KPI statuses are computed when read, from the kept latest value and date, never stored."""

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from portfolio import db
from portfolio.demo import load_demo
from portfolio.models import Kpi, KpiStatus, utc_now
from portfolio.services import gates, results, trust, use_cases
from tests.services.factories import propose


def test_no_status_is_stored_on_a_kpi():
    assert "status" not in Kpi.model_fields


def test_the_demo_with_every_measurement_100_days_old_has_no_recent_data(engine):
    """Issue 8, defect 1: the demo loaded as if 100 days ago; UC-0001's cards said "At risk" for ever."""
    today = utc_now().date()
    then = datetime.combine(today - timedelta(days=100), time(9), tzinfo=UTC)
    with db.unit_of_work(engine) as session:
        load_demo(session, now=then)
    with Session(engine) as session:
        detail = use_cases.use_case_detail(session, "UC-0001")
        assert len(detail.kpis) > 0
        assert set(detail.kpis["status"]) == {KpiStatus.no_recent_data}
        # The same data read as of the day it was loaded still has live statuses: the date decides.
        back_then = use_cases.use_case_detail(session, "UC-0001", today=then.date())
        assert set(back_then.kpis["status"]) != {KpiStatus.no_recent_data}

        overview = trust.trust_overview(session).set_index("key")
        assert overview.loc["UC-0001", "worst_status"] == KpiStatus.no_recent_data
        assert "At risk" not in overview.loc["UC-0001", "statuses"]

        facts = gates.gate_facts(session, use_cases.get_use_case(session, "UC-0001"))
        assert {k.status for k in facts.kpis} == {KpiStatus.no_recent_data}


def test_a_status_goes_stale_as_days_pass_without_new_data(engine, admin):
    key = propose(engine, admin)
    today = utc_now().date()
    with db.unit_of_work(engine) as session:
        kpi = results.define_kpi(
            session,
            admin,
            key,
            name="Automated resolution",
            kind="business",
            unit="%",
            direction="higher",
            baseline=0,
            baseline_on=today - timedelta(days=30),
            target=30,
            target_on=today + timedelta(days=300),
        )
        results.log_measurements(session, admin, kpi.id, [{"measured_on": today, "value": 31}])
    with Session(engine) as session:
        assert use_cases.use_case_detail(session, key).kpis["status"].tolist() == [KpiStatus.achieved]
        later = use_cases.use_case_detail(session, key, today=today + timedelta(days=46))
        assert later.kpis["status"].tolist() == [KpiStatus.no_recent_data]
        stored = session.exec(select(Kpi)).one()
        assert (stored.latest_value, stored.latest_on) == (31, today)
