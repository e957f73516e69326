"""Ordinary data on every page that shows use cases (AppTest): a use case whose every optional field is empty
reaches no page as NaN and fails none."""

import re

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.imports.reading import read_table
from portfolio.models import Kpi, UseCase
from portfolio.services import results
from portfolio.services.imports import ImportOptions, run_import
from portfolio.ui.navigation import PAGES

# Imported with nothing but a title and a stage: no owner, team, problem, tier, scores, costs or reviewers.
# Customer-facing, so the Trust page lists it too.
BARE = "Use Case Name,Stage of Development,Customer facing\nBare assistant,Pilot,yes\n"


def import_bare(engine, admin) -> str:
    with db.unit_of_work(engine) as session:
        run_import(session, admin, read_table(BARE.encode(), "register.csv"), ImportOptions())
    with Session(engine) as session:
        case = session.exec(select(UseCase)).one()
    with db.unit_of_work(engine) as session:
        # One KPI with nothing optional (no baseline, target or dates) and one with a target date: a missing
        # date beside a present one is what pandas turns into NaN.
        results.define_kpi(
            session, admin, case.key, name="Bare KPI", kind="trust", unit="%", direction="higher"
        )
        results.define_kpi(
            session,
            admin,
            case.key,
            name="Dated KPI",
            kind="business",
            unit="%",
            direction="higher",
            target=50.0,
            target_on=case.stage_entered_at.date(),
        )
    return case.key


def shown_text(at) -> str:
    """Every text the page shows outside tables and charts."""
    parts = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None or getattr(node, "type", "") in ("arrow_data_frame", "arrow_vega_lite_chart"):
            continue
        for _field, value in proto.ListFields():
            if isinstance(value, str):
                parts.append(value)
    return " ".join(parts)


def test_the_bare_use_case_has_every_optional_field_empty(engine, admin):
    key = import_bare(engine, admin)
    with Session(engine) as session:
        case = session.exec(select(UseCase).where(UseCase.key == key)).one()
    assert (case.owner_id, case.sponsor_id, case.monitoring_owner_id, case.ai_act_tier) == (None,) * 4
    assert (case.problem, case.team, case.business_unit, case.measurable_goal) == ("",) * 4
    assert (case.impact_score, case.one_off_cost, case.running_cost_per_month) == (None,) * 3
    assert case.customer_facing and case.stage == "pilot"


@pytest.mark.parametrize("page", [p.script for p in PAGES])
def test_every_page_shows_a_use_case_with_every_optional_field_empty(
    app_for, database_url, engine, admin, page
):
    key = import_bare(engine, admin)
    at = app_for(database_url, page, uc=key if page == "pages/use_case.py" else None)
    assert not at.exception, at.exception
    assert not re.search(r"\bnan\b|\bNaT\b", shown_text(at), re.IGNORECASE)


def test_log_results_shows_each_kpi_of_the_bare_use_case(app_for, database_url, engine, admin):
    key = import_bare(engine, admin)
    at = app_for(database_url, "pages/results.py")
    assert len(at.selectbox(key=f"results_kpi_{key}").options) == 2
    with Session(engine) as session:
        kpi_ids = session.exec(select(Kpi.id)).all()
    for kpi_id in kpi_ids:
        at.session_state[f"results_kpi_{key}"] = kpi_id
        at.run()
        assert not at.exception, at.exception
        assert not re.search(r"\bnan\b|\bNaT\b", shown_text(at), re.IGNORECASE)
