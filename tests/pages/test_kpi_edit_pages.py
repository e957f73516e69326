"""Editing and retiring a KPI on the use case page, as a contributor does it (AppTest)."""

from datetime import timedelta

from sqlmodel import Session

from portfolio import db
from portfolio.models import Kpi, utc_now
from portfolio.services import people, results
from tests.pages.conftest import LOCAL_EMAIL, seed
from tests.pages.test_portfolio_pages import texts
from tests.services.factories import propose

TODAY = utc_now().date()


def with_kpis(url: str) -> tuple[str, int, int]:
    """A use case with a KPI that has results, and one with every optional field empty."""
    seed(url)
    engine = db.make_engine(url)
    try:
        with db.unit_of_work(engine) as session:
            admin = people.actor_for(session, LOCAL_EMAIL)
        key = propose(engine, admin)
        with db.unit_of_work(engine) as session:
            full = results.define_kpi(
                session,
                admin,
                key,
                name="Customer satisfaction",
                kind="trust",
                unit="score 1-10",
                direction="higher",
                baseline=7.0,
                baseline_on=TODAY - timedelta(days=60),
                target=8.5,
                target_on=TODAY + timedelta(days=60),
            ).id
            bare = results.define_kpi(
                session, admin, key, name="Parcels", kind="business", unit="count", direction="higher"
            ).id
        with db.unit_of_work(engine) as session:
            results.log_measurements(session, admin, full, [{"measured_on": TODAY, "value": 8.0}])
        return key, full, bare
    finally:
        engine.dispose()


def stored(url: str, kpi_id: int) -> Kpi:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            kpi = session.get(Kpi, kpi_id)
            session.expunge(kpi)
            return kpi
    finally:
        engine.dispose()


def submit(at, form: str):
    """Press the submit button of the form keyed `form`."""
    next(button for button in at.button if button.form_id == form).click().run()
    return at


def test_a_kpi_is_edited_in_place_with_problems_beside_their_fields(app_for, database_url):
    key, kpi_id, bare_id = with_kpis(database_url)
    at = app_for(database_url, "pages/use_case.py", uc=key, tab="KPIs and results")
    assert not at.exception
    assert [e.label for e in at.expander].count("Edit or retire this KPI") == 2  # the bare KPI renders too
    version = stored(database_url, kpi_id).version
    name = at.text_input(key=f"kpi_edit_name_{kpi_id}_{version}")
    assert name.value == "Customer satisfaction"
    assert at.number_input(key=f"kpi_edit_baseline_{bare_id}_1").value is None

    name.set_value("")
    at.number_input(key=f"kpi_edit_target_{kpi_id}_{version}").set_value(7.0)
    submit(at, f"kpi_edit_{kpi_id}_{version}")
    assert not at.exception
    beside = [m.value for m in at.markdown if ":material/error:" in m.value]
    assert len(beside) == 2  # name and target, both at once, each at its field
    assert any("these 2 problems" in e.value for e in at.error)
    assert stored(database_url, kpi_id).name == "Customer satisfaction"

    at.text_input(key=f"kpi_edit_name_{kpi_id}_{version}").set_value("CSAT after chat")
    at.number_input(key=f"kpi_edit_target_{kpi_id}_{version}").set_value(7.9)
    submit(at, f"kpi_edit_{kpi_id}_{version}")
    assert not at.exception
    kpi = stored(database_url, kpi_id)
    assert (kpi.name, kpi.target, kpi.version) == ("CSAT after chat", 7.9, version + 1)
    assert "CSAT after chat" in texts(at).replace("\\", "")
    assert any("Achieved" in m.value for m in at.markdown)  # the status follows the new target at once
    assert at.text_input(key=f"kpi_edit_name_{kpi_id}_{version + 1}").value == "CSAT after chat"


def test_a_kpi_is_retired_with_a_reason_and_kept_in_a_folded_section(app_for, database_url):
    key, kpi_id, _ = with_kpis(database_url)
    at = app_for(database_url, "pages/use_case.py", uc=key, tab="KPIs and results")
    version = stored(database_url, kpi_id).version
    submit(at, f"kpi_retire_{kpi_id}_{version}")
    assert not at.exception
    assert stored(database_url, kpi_id).retired_on is None
    assert any(":material/error:" in m.value and "Reason for retiring" in m.value for m in at.markdown)

    at.text_area(key=f"kpi_retire_reason_{kpi_id}_{version}").set_value("Replaced by the NPS survey")
    submit(at, f"kpi_retire_{kpi_id}_{version}")
    assert not at.exception
    kpi = stored(database_url, kpi_id)
    assert (kpi.retired_on, kpi.retired_reason) == (TODAY, "Replaced by the NPS survey")
    labels = [e.label for e in at.expander]
    assert "Retired KPIs (1)" in labels
    assert labels.count("Edit or retire this KPI") == 1  # only the active KPI can still be edited
    shown = texts(at).replace("\\", "")
    assert "Replaced by the NPS survey" in shown
    assert len(at.get("vega_lite_chart")) == 1  # the retired KPI's results are still charted


def test_kpi_tiles_name_their_unit_as_a_manager_reads_it(app_for, database_url):
    key, _full, _bare = with_kpis(database_url)
    at = app_for(database_url, "pages/use_case.py", uc=key, tab="KPIs and results")
    captions = [c.value for c in at.caption]
    assert "Customer trust · Higher is better · Unit: score 1–10" in captions, captions
    assert "Business value · Higher is better · Unit: count" in captions, captions
    assert not [c for c in captions if " · in " in c]


def test_kpi_forms_name_units_as_the_tiles_do(app_for, database_url):
    key, kpi_id, _bare = with_kpis(database_url)
    at = app_for(database_url, "pages/use_case.py", uc=key, tab="KPIs and results")
    assert not at.exception
    version = stored(database_url, kpi_id).version
    editing = at.selectbox(key=f"kpi_edit_unit_{kpi_id}_{version}")
    assert (
        editing.value == "score 1-10" and "score 1–10" in editing.options and "€ per month" in editing.options
    )
    adding = next(s for s in at.selectbox if s.label == "Unit" and s.key != editing.key)
    assert "€ per month" in adding.options and "EUR per month" not in adding.options
    starting = next(s for s in at.selectbox if s.label == "Start from")
    assert all("EUR" not in option and "1-10" not in option for option in starting.options), starting.options
