"""Log results, KPIs and value on the use case, and the Trust page (AppTest)."""

from datetime import timedelta

from sqlmodel import Session, select

from portfolio import db
from portfolio.models import Kpi, Measurement, utc_now
from portfolio.services import results
from tests.pages.shown import as_shown
from tests.pages.test_portfolio_pages import texts
from tests.services.factories import propose

TODAY = utc_now().date()


def setup_kpi(engine, admin):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        kpi = results.define_kpi(
            session,
            admin,
            key,
            name="Customer satisfaction",
            kind="trust",
            unit="score 1-10",
            direction="higher",
            baseline=7.5,
            baseline_on=TODAY - timedelta(days=30),
            target=8.5,
            target_on=TODAY + timedelta(days=30),
        )
    return key, kpi.id


def test_logging_one_result_changes_the_status(app_for, database_url, admin, engine):
    _key, kpi_id = setup_kpi(engine, admin)
    at = app_for(database_url, "pages/results.py")
    assert not at.exception
    assert "Status: :gray[**No recent data**]" in texts(at)
    at.number_input(key=f"one_value_{kpi_id}_0").set_value(8.6)
    next(b for b in at.button if b.label == "Log result").click().run()
    assert not at.exception and not at.error
    assert "Status: :green[**Achieved**]" in texts(at)
    with Session(engine) as session:
        assert session.get(Kpi, kpi_id).latest_value == 8.6


def test_the_kpi_selector_names_the_unit_as_the_kpi_tiles_do(app_for, database_url, admin, engine):
    key, _kpi_id = setup_kpi(engine, admin)
    at = app_for(database_url, "pages/results.py")
    assert not at.exception
    assert at.selectbox(key=f"results_kpi_{key}").options == ["Customer satisfaction (score 1–10)"]


def test_a_value_outside_the_unit_is_refused_with_a_clear_message(app_for, database_url, admin, engine):
    _key, kpi_id = setup_kpi(engine, admin)
    at = app_for(database_url, "pages/results.py")
    at.number_input(key=f"one_value_{kpi_id}_0").set_value(11.0)
    next(b for b in at.button if b.label == "Log result").click().run()
    assert any("between 1 and 10 (got 11)" in as_shown(e.value) for e in at.error)
    with Session(engine) as session:
        assert session.exec(select(Measurement)).first() is None


def test_a_use_case_without_kpis_points_to_where_they_are_added(app_for, database_url, admin, engine):
    propose(engine, admin)
    at = app_for(database_url, "pages/results.py")
    assert "no KPIs yet" in texts(at)


def test_adding_a_kpi_from_the_catalogue_on_the_use_case(app_for, database_url, admin, engine):
    key = propose(engine, admin)
    at = app_for(database_url, "pages/use_case.py", uc=key, tab="KPIs and results")
    assert not at.exception
    template = at.selectbox(key=f"template_{key}_0")
    template.set_value(next(o for o in template.options if o.startswith("First-contact resolution"))).run()
    assert any(t.value == "First-contact resolution" for t in at.text_input)
    next(b for b in at.button if b.label == "Add KPI").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert session.exec(select(Kpi.name, Kpi.unit)).one() == ("First-contact resolution", "%")
    # The form starts again empty, from a blank KPI, so the same KPI is not easily added twice.
    assert at.selectbox(key=f"template_{key}_1").value is None
    assert next(t for t in at.text_input if t.label == "KPI name *").value == ""


def test_value_and_costs_on_the_use_case(app_for, demo_url):
    at = app_for(demo_url, "pages/use_case.py", uc="UC-0004", tab="KPIs and results")
    values = {m.label: m.value for m in at.metric}
    assert values["One-off cost"] == "€180,000"
    assert values["Net value, first year"].startswith("€") and values["Net value, first year"] != "€0"
    assert "How a KPI's status is decided" in [e.label for e in at.expander]


def test_the_trust_page(app_for, demo_url):
    at = app_for(demo_url, "pages/trust.py")
    assert not at.exception
    values = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert values["Customer-facing use cases"] >= 10 and values["Without a trust KPI"] >= 1
    table = at.dataframe[0].value
    assert table.iloc[0]["gaps"] != "Nothing missing"  # gaps first
    assert len(at.get("vega_lite_chart")) >= 6
    at.multiselect(key="t_sector").set_value(["healthcare"]).run()
    assert set(at.dataframe[0].value["key"]) == {"UC-0025", "UC-0027"}


def test_a_csv_in_no_known_encoding_is_refused_with_a_clear_message(app_for, database_url, admin, engine):
    setup_kpi(engine, admin)
    at = app_for(database_url, "pages/results.py")
    at.get("file_uploader")[0].upload("results.csv", b"date,value\n2026-01-01,\x81\x8d\n", "text/csv")
    at.run()
    next(b for b in at.button if b.label == "Check the file").click().run()
    assert not at.exception
    assert any("not text in UTF-8 or Windows-1252" in as_shown(e.value) for e in at.error)
    with Session(engine) as session:
        assert session.exec(select(Measurement)).first() is None


def test_the_trust_table_pages_through_many_use_cases(app_for, database_url, admin, engine):
    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 150, measurements=2_000, today=TODAY)
    at = app_for(database_url, "pages/trust.py")
    assert not at.exception
    total = int({m.label: m.value for m in at.metric}["Customer-facing use cases"].replace(",", ""))
    assert total > 50
    first_page = at.dataframe[0].value
    assert len(first_page) == 50
    (pager,) = [n for n in at.number_input if n.label.startswith("Page (of 2)")]
    pager.set_value(2).run()
    second_page = at.dataframe[0].value
    assert len(second_page) == total - 50
    assert not set(first_page["key"]) & set(second_page["key"])


def test_a_refused_duplicate_result_keeps_what_was_typed(app_for, database_url, admin, engine):
    """A result already kept for that date is refused; the Value, Note and Source stay, to change the date and
    log again. A stored result starts a fresh, empty form."""
    _key, kpi_id = setup_kpi(engine, admin)
    with db.unit_of_work(engine) as session:
        results.log_measurements(session, admin, kpi_id, [{"measured_on": TODAY, "value": 8.0}])
    at = app_for(database_url, "pages/results.py")
    at.number_input(key=f"one_value_{kpi_id}_0").set_value(8.6)
    at.text_input(key=f"one_note_{kpi_id}_0").set_value("Survey of week 12")
    at.text_input(key=f"one_source_{kpi_id}_0").set_value("Survey tool")
    next(b for b in at.button if b.label == "Log result").click().run()
    assert not at.exception
    assert any("already has a value for" in as_shown(e.value) for e in at.error)
    assert at.number_input(key=f"one_value_{kpi_id}_0").value == 8.6
    assert at.text_input(key=f"one_note_{kpi_id}_0").value == "Survey of week 12"
    assert at.text_input(key=f"one_source_{kpi_id}_0").value == "Survey tool"

    at.date_input(key=f"one_date_{kpi_id}_0").set_value(TODAY - timedelta(days=1))
    next(b for b in at.button if b.label == "Log result").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        kept = session.exec(
            select(Measurement.value, Measurement.note).order_by(Measurement.measured_on)
        ).all()
    assert [value for value, _note in kept] == [8.6, 8.0] and kept[0][1] == "Survey of week 12"
    assert at.number_input(key=f"one_value_{kpi_id}_1").value is None  # a fresh form for the next result
    assert at.text_input(key=f"one_note_{kpi_id}_1").value == ""
