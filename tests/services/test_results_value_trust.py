"""Issue 5 through the services: bulk entry and CSV, corrections, value and cost, trust across the portfolio."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import Conflict, InvalidInput, NotAllowed
from portfolio.kpi_catalogue import STARTER_PACKS, TRUST_CATALOGUE, templates_for
from portfolio.kpis import status_of
from portfolio.models import AuditEvent, Kpi, Measurement, Sector, utc_now
from portfolio.services import people, results, trust, use_cases
from tests.conftest import counts
from tests.services.factories import propose

TODAY = utc_now().date()


def kpi(engine, admin, key, **fields):
    spec = {
        "name": "Customer satisfaction",
        "kind": "trust",
        "unit": "score 1-10",
        "direction": "higher",
        "baseline": 7.5,
        "baseline_on": TODAY - timedelta(days=60),
        "target": 8.5,
        "target_on": TODAY + timedelta(days=60),
    } | fields
    with db.unit_of_work(engine) as session:
        return results.define_kpi(session, admin, key, **spec).id


def test_the_catalogue_covers_trust_and_every_sector():
    names = {t.name for t in TRUST_CATALOGUE}
    for expected in (
        "Customer satisfaction",
        "Net Promoter Score",
        "Customers told they are dealing with AI",
        "Conversations handed to a person",
        "Time to reach a person",
        "Complaints about the AI",
        "Opt-outs from the AI",
        "Fairness gap between groups",
        "Employee adoption",
        "Employee sentiment",
        "Automated resolution rate",
    ):
        assert expected in names
    for sector in (Sector.retail, Sector.hospitality, Sector.healthcare, Sector.services):
        assert len(STARTER_PACKS[sector]) >= 3
    retail = templates_for("retail")
    assert retail[0].name == "Online conversion rate" and len({t.name for t in retail}) == len(retail)


CSV = b"date,value,note\n2026-10-01,8.1,first\n2026-10-08,eleven,\n2099-01-01,8.0,\n2026-10-01,8.2,again\n2026-10-15,11,\n"


def test_a_csv_with_broken_rows_is_previewed_and_only_good_rows_are_stored(engine, admin):
    key = propose(engine, admin)
    kpi_id = kpi(engine, admin, key)
    rows = results.parse_measurement_csv(CSV)
    with Session(engine) as session:
        good, refused = results.preview_measurements(session, kpi_id, rows)
    assert [g["value"] for g in good] == [8.1]
    assert "must be a number" in refused[2]
    assert "in the future" in refused[3]
    assert "already has a value for 1 Oct 2026" in refused[4]
    assert "between 1 and 10" in refused[5]
    before = counts(engine)
    assert counts(engine) == before  # a preview writes nothing
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, admin, kpi_id, good)
    with Session(engine) as session:
        assert session.exec(select(Measurement.value)).all() == [8.1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"when,how much\n2026-01-01,3\n", "columns date and value"),
        (b"date,value\n", "no rows"),
        # Bytes that neither UTF-8 nor Windows-1252 decodes (0x81 and 0x8D are unassigned in Windows-1252).
        (b"date,value\n2026-01-01,\x81\x8d\n", "not text in UTF-8 or Windows-1252"),
    ],
)
def test_an_unusable_csv_says_what_to_fix(content, message):
    with pytest.raises(InvalidInput, match=message):
        results.parse_measurement_csv(content)


def test_a_cell_longer_than_the_csv_reader_takes_is_refused():
    import csv

    limit = csv.field_size_limit(1_000)  # process-wide; imports raise it, so set it for this test
    try:
        with pytest.raises(InvalidInput, match="cell is far too long"):
            results.parse_measurement_csv(b"date,value,note\n2026-01-01,3," + b"x" * 2_000 + b"\n")
    finally:
        csv.field_size_limit(limit)


def test_a_windows_csv_is_read():
    rows = results.parse_measurement_csv("date,value,note\n2026-10-01,8,Caf\u00e9 survey\n".encode("cp1252"))
    assert rows == [{"measured_on": "2026-10-01", "value": "8", "note": "Caf\u00e9 survey"}]


def test_a_correction_keeps_the_original_in_the_audit_trail(engine, admin):
    key = propose(engine, admin)
    kpi_id = kpi(engine, admin, key)
    with db.unit_of_work(engine) as session:
        measurement = results.log_measurements(
            session, admin, kpi_id, [{"measured_on": TODAY, "value": 7.0}]
        )[0]
    with db.unit_of_work(engine) as session:
        results.correct_measurement(
            session, admin, measurement.id, expected_version=1, value=8.6, reason="Survey tool double-counted"
        )
    with Session(engine) as session:
        assert status_of(session.get(Kpi, kpi_id), TODAY) == "achieved"
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "measurement.corrected")).one()
        assert event.before["value"] == 7.0 and event.after["value"] == 8.6
        assert event.after["reason"] == "Survey tool double-counted"
    with pytest.raises(Conflict), db.unit_of_work(engine) as session:
        results.correct_measurement(session, admin, measurement.id, expected_version=1, value=8.0, reason="x")
    for bad, message in (
        ({"value": 12, "reason": "x"}, "between 1 and 10"),
        ({"value": 8, "reason": ""}, "Reason for the correction is required"),
    ):
        with pytest.raises(InvalidInput, match=message), db.unit_of_work(engine) as session:
            results.correct_measurement(session, admin, measurement.id, expected_version=2, **bad)


def test_value_and_cost_add_up_per_use_case(engine, admin):
    key = propose(engine, admin, one_off_cost=12_000, running_cost_per_month=500)
    money = kpi(
        engine, admin, key, name="Money saved", kind="business", unit="EUR per month", baseline=0, target=5000
    )
    hours = kpi(
        engine,
        admin,
        key,
        name="Hours saved",
        kind="business",
        unit="hours per month",
        baseline=0,
        target=100,
    )
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, admin, money, [{"measured_on": TODAY, "value": 2000}])
        results.log_measurements(session, admin, hours, [{"measured_on": TODAY, "value": 40}])
        results.set_hourly_rate(session, admin, 50)
    with Session(engine) as session:
        value = results.value_of(session, key)
    assert value["value_per_month"] == 2000 + 40 * 50
    assert value["net_first_year"] == 12 * (4000 - 500) - 12_000
    with (
        pytest.raises(InvalidInput, match="at least 0"),
        db.unit_of_work(engine) as session,
    ):
        use_cases.update_use_case(session, admin, key, expected_version=1, one_off_cost=-5)
    with pytest.raises(InvalidInput, match="hourly rate"), db.unit_of_work(engine) as session:
        results.set_hourly_rate(session, admin, 0)


def test_trust_overview_calls_out_the_gaps(engine, admin):
    safe = propose(engine, admin, title="Safe bot", ai_disclosure=True, human_path=True)
    kpi(engine, admin, safe)
    propose(engine, admin, title="Risky bot", ai_disclosure=False, human_path=False)
    propose(engine, admin, title="Internal tool", customer_facing=False)
    with Session(engine) as session:
        overview = trust.trust_overview(session).set_index("title")
    assert list(overview.index) == ["Risky bot", "Safe bot"]  # gaps first, internal tools left out
    assert overview.loc["Risky bot", "gaps"] == [
        "No trust KPI",
        "Customers not told about the AI",
        "No path to a person",
    ]
    assert overview.loc["Safe bot", "gaps"] == [] and overview.loc["Safe bot", "trust_kpis"] == 1


def test_trust_trends_are_monthly_means(engine, admin):
    key = propose(engine, admin, ai_disclosure=True, human_path=True)
    kpi_id = kpi(engine, admin, key)
    first = date(TODAY.year, TODAY.month, 1)
    with db.unit_of_work(engine) as session:
        results.log_measurements(
            session,
            admin,
            kpi_id,
            [{"measured_on": first, "value": 8.0}, {"measured_on": first + timedelta(days=1), "value": 9.0}],
        )
    with Session(engine) as session:
        trends = trust.trust_trends(session)
    assert trends["value"].tolist() == [8.5] and trends["key"].tolist() == [key]


def test_only_contributors_log_and_correct(engine, admin):
    key = propose(engine, admin)
    kpi_id = kpi(engine, admin, key)
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Vic", email="vic@example.org", roles=["viewer"])
        vic = people.actor_for(session, "vic@example.org")
    with pytest.raises(NotAllowed, match="contributor role"), db.unit_of_work(engine) as session:
        results.log_measurements(session, vic, kpi_id, [{"measured_on": TODAY, "value": 8}])


def test_value_is_not_measured_without_a_money_kpi_holding_a_value(engine, admin):
    unmeasured = propose(
        engine, admin, title="Menu assistant", one_off_cost=12_000, running_cost_per_month=500
    )
    kpi(engine, admin, unmeasured, name="Sales", kind="business", unit="EUR per month", baseline=0, target=10)
    measured = propose(engine, admin, title="Rota planner", running_cost_per_month=100)
    money = kpi(
        engine, admin, measured, name="Saved", kind="business", unit="EUR per month", baseline=0, target=9
    )
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, admin, money, [{"measured_on": TODAY, "value": 1000}])
    with Session(engine) as session:
        table = results.value_table(session)
        nothing = results.value_of(session, unmeasured)
    assert (nothing["value_per_month"], nothing["net_first_year"]) == (None, None)
    assert nothing["running_cost_per_month"] == 500 and nothing["one_off_cost"] == 12_000
    summary = results.summarise_value(table, [unmeasured, measured])
    assert (summary.value_per_year, summary.net_first_year) == (12_000, 12 * (1000 - 100))
    assert (summary.measured, summary.active, summary.running_cost_per_year) == (1, 2, 12 * 600)
    alone = results.summarise_value(table, [unmeasured])
    assert (alone.value_per_year, alone.net_first_year, alone.measured) == (None, None, 0)
