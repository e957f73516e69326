"""A save refused because someone else changed the record meanwhile says so clearly and keeps what the person
typed, for them to compare and save again, on every form that edits a versioned record (AppTest). The use
case's facts and the Score form are covered in tests/pages/test_widgets_follow_what_they_edit.py."""

from datetime import timedelta

from sqlmodel import Session, select

from portfolio import db
from portfolio.models import Measurement, ScoringModel, utc_now
from portfolio.services import assessments, results, use_cases
from tests.pages.shown import as_shown
from tests.services.factories import propose

TODAY = utc_now().date()


def refusal(at) -> str:
    return " ".join(as_shown(e.value) for e in at.error)


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def number(at, label: str):
    return next(n for n in at.number_input if n.label == label)


def test_costs_refused_after_someone_else_s_change_keep_the_input(app_for, database_url, engine, admin):
    key = propose(engine, admin)
    at = app_for(database_url, "pages/use_case.py", uc=key, tab="KPIs and results")
    number(at, "One-off cost (EUR)").set_value(25000.0)
    number(at, "Running cost per month (EUR)").set_value(800.0)
    with db.unit_of_work(engine) as session:
        use_cases.update_use_case(session, admin, key, expected_version=1, one_off_cost=1000.0)
    button(at, "Save costs").click().run()
    assert not at.exception
    said = refusal(at)
    assert "changed by someone else" in said and "One-off cost" in said and "not saved" in said, said
    assert number(at, "One-off cost (EUR)").value == 25000.0  # the input stays, to compare and re-apply
    assert number(at, "Running cost per month (EUR)").value == 800.0
    with Session(engine) as session:
        assert use_cases.get_use_case(session, key).one_off_cost == 1000.0

    button(at, "Discard my entries and load the latest").click().run()
    assert number(at, "One-off cost (EUR)").value == 1000.0
    number(at, "Running cost per month (EUR)").set_value(800.0)
    button(at, "Save costs").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        saved = use_cases.get_use_case(session, key)
        assert (saved.one_off_cost, saved.running_cost_per_month) == (1000.0, 800.0)
    assert number(at, "Running cost per month (EUR)").value == 800.0
    assert any(n.key and n.key.startswith(f"costs_{key}_v{saved.version}_") for n in at.number_input)


def test_a_correction_refused_after_someone_else_s_correction_keeps_the_input(
    app_for, database_url, engine, admin
):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        kpi = results.define_kpi(
            session, admin, key, name="Handled automatically", kind="business", unit="%", direction="higher"
        )
        kpi_id = kpi.id
    with db.unit_of_work(engine) as session:
        results.log_measurements(
            session, admin, kpi_id, [{"measured_on": TODAY - timedelta(days=7), "value": 20.0}]
        )
    with Session(engine) as session:
        measurement = session.exec(select(Measurement)).one()
        measurement_id, version = measurement.id, measurement.version
    at = app_for(database_url, "pages/results.py")
    at.selectbox(key="results_uc").set_value(key).run()
    number(at, "Correct value").set_value(24.0)
    next(t for t in at.text_input if t.label == "Why the correction *").set_value("Survey double-counted")
    with db.unit_of_work(engine) as session:
        results.correct_measurement(
            session, admin, measurement_id, expected_version=version, value=22.0, reason="Late returns"
        )
    button(at, "Save correction").click().run()
    assert not at.exception
    said = refusal(at)
    assert "changed by someone else" in said and "from 20 to 22" in said and "not saved" in said, said
    assert number(at, "Correct value").value == 24.0
    assert (
        next(t for t in at.text_input if t.label == "Why the correction *").value == "Survey double-counted"
    )
    with Session(engine) as session:
        assert session.get(Measurement, measurement_id).value == 22.0

    button(at, "Discard my entries and load the latest").click().run()
    assert number(at, "Correct value").value == 22.0
    number(at, "Correct value").set_value(24.0)
    next(t for t in at.text_input if t.label == "Why the correction *").set_value("Survey double-counted")
    button(at, "Save correction").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert session.get(Measurement, measurement_id).value == 24.0


def test_a_scoring_model_refused_after_someone_else_s_version_keeps_the_input(
    app_for, database_url, engine, admin
):
    at = app_for(database_url, "pages/scoring_model.py")
    number(at, "Impact threshold (0–100)").set_value(60.0)
    next(t for t in at.text_input if t.label == "Name of the new version").set_value("Impact first")
    with db.unit_of_work(engine) as session:
        model = assessments.active_model(session)
        rows = [
            {
                "key": c.key,
                "name": c.name,
                "dimension": c.dimension.value,
                "weight": c.weight,
                "anchor_low": c.anchor_low,
                "anchor_high": c.anchor_high,
                "description": c.description,
            }
            for c in model.criteria
        ]
        assessments.create_model_version(
            session, admin, criteria=rows, expected_version=1, name="Risk first", risk_threshold=40.0
        )
    button(at, "Save as a new version").click().run()
    assert not at.exception
    said = refusal(at)
    assert "changed by someone else" in said and "version 2" in said and "not saved" in said, said
    assert number(at, "Impact threshold (0–100)").value == 60.0
    assert next(t for t in at.text_input if t.label == "Name of the new version").value == "Impact first"
    with Session(engine) as session:
        active = session.exec(select(ScoringModel).where(ScoringModel.is_active)).one()
        assert (active.version_number, active.name) == (2, "Risk first")

    button(at, "Discard my entries and load the latest").click().run()
    assert number(at, "Risk threshold (0–100)").value == 40.0
    number(at, "Impact threshold (0–100)").set_value(60.0)
    button(at, "Save as a new version").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        active = session.exec(select(ScoringModel).where(ScoringModel.is_active)).one()
        assert (active.version_number, active.impact_threshold, active.risk_threshold) == (3, 60.0, 40.0)
