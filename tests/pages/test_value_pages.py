"""A use case whose value is not measured reads "Not measured", never €0 (AppTest)."""

from portfolio import db
from portfolio.services import people
from tests.pages.conftest import LOCAL_EMAIL, seed
from tests.pages.test_portfolio_pages import metric
from tests.services.factories import propose


def one_unmeasured(url: str) -> str:
    seed(url)
    engine = db.make_engine(url)
    try:
        with db.unit_of_work(engine) as session:
            admin = people.actor_for(session, LOCAL_EMAIL)
        return propose(engine, admin, one_off_cost=12_000, running_cost_per_month=500)
    finally:
        engine.dispose()


def test_a_use_case_without_a_money_kpi_shows_its_value_as_not_measured(app_for, database_url):
    key = one_unmeasured(database_url)
    at = app_for(database_url, "pages/use_case.py", uc=key, tab="KPIs and results")
    assert not at.exception
    assert metric(at, "Value per month") == "Not measured"
    assert metric(at, "Net value, first year") == "Not measured"
    assert metric(at, "Running cost per month") == "€500"

    at = app_for(database_url, "pages/portfolio.py")
    assert not at.exception
    assert metric(at, "Value delivered per year") == "Not measured"
    assert metric(at, "Net value, first year") == "Not measured"
    assert metric(at, "Running cost per year") == "€6,000"

    at = app_for(database_url, "pages/overview.py")
    assert not at.exception
    assert metric(at, "Value delivered per year") == "Not measured"
    assert metric(at, "Net value, first year") == "Not measured"


def test_the_demo_totals_say_how_many_use_cases_measure_their_value(app_for, demo_url):
    at = app_for(demo_url, "pages/portfolio.py")
    value = next(m for m in at.metric if m.label == "Value delivered per year")
    assert (
        value.value.startswith("€") and "active use cases listed; the others are not measured" in value.help
    )
