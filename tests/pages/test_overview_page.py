"""The overview, the app's home page, as a user sees it (AppTest)."""

from dataclasses import replace
from urllib.parse import parse_qs

from sqlalchemy import text
from sqlmodel import Session

from portfolio import db
from portfolio.models import utc_now
from portfolio.ui.overview_links import use_cases_word
from portfolio.views import overview as overview_module
from portfolio.views.overview import OverviewFilter
from tests.pages.test_portfolio_pages import texts

ACTIVE = "('proposed', 'assessed', 'pilot', 'scale_up', 'production')"


def count(url: str, sql: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar_one()
    engine.dispose()
    return value


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def links(at) -> list[tuple[str, str, dict[str, list[str]]]]:
    """(label, page address, query parameters) of every page link shown."""
    return [(link.value, link.proto.page, parse_qs(link.proto.query_string)) for link in at.page_link]


def test_the_overview_is_the_home_page_with_every_panel(app_for, demo_url):
    at = app_for(demo_url)
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert metric(at, "Active use cases") == str(
        count(demo_url, f"SELECT count(*) FROM use_case WHERE stage IN {ACTIVE}")
    )
    assert metric(at, "Pilots") == str(count(demo_url, "SELECT count(*) FROM use_case WHERE stage = 'pilot'"))
    assert metric(at, "Scaling up or live") == str(
        count(demo_url, "SELECT count(*) FROM use_case WHERE stage IN ('scale_up', 'production')")
    )
    for label in (
        "Value delivered per year",
        "Net value, first year",
        "Pilot decisions on time",
        "Stopped this quarter",
    ):
        assert metric(at, label)
    headings = [h.value for h in at.subheader]
    for heading in (
        "Pipeline and flow",
        "KPI health",
        "Trust health",
        "Impact and risk",
        "Balance",
        "Governance gaps",
        "Recent lessons",
    ):
        assert heading in headings
    pilots_stuck = count(
        demo_url,
        "SELECT count(*) FROM use_case u LEFT JOIN pilot_charter c ON c.use_case_id = u.id WHERE u.stage = 'pilot' "
        "AND (c.decision_on < CURRENT_DATE OR u.stage_entered_at < CURRENT_DATE - 180)"
        if "sqlite" not in demo_url
        else "SELECT count(*) FROM use_case u LEFT JOIN pilot_charter c ON c.use_case_id = u.id WHERE u.stage = 'pilot' "
        "AND (c.decision_on < date('now') OR u.stage_entered_at < datetime(date('now'), '-180 days'))",
    )
    assert f"Pilot purgatory: {pilots_stuck}" in headings
    # Funnel, time in stage, KPI health, matrix and three balance charts.
    assert len(at.get("vega_lite_chart")) == 7
    shown = texts(at)
    assert "moves between stages in the last 90 days" in shown
    assert "A campaign model trained on commercial data alone raised returns" in shown


def test_every_figure_and_list_links_to_the_use_cases_behind_it(app_for, demo_url):
    at = app_for(demo_url)
    found = links(at)
    pilots = next(
        q for label, page, q in found if label.startswith("See the") and q.get("stage") == ["Pilot"]
    )
    assert "show" not in pilots
    valued = [label for label, page, q in found if q.get("show") == ["value"]]
    assert valued and all(page == "portfolio" for label, page, q in found if "show" in q)
    # The purgatory list leads to each pilot itself.
    overdue = [(label, q) for label, page, q in found if page == "use_case" and label.startswith("UC-0009")]
    assert overdue and overdue[0][1] == {"uc": ["UC-0009"]}
    # A governance gap names its use case.
    assert any(label.startswith("UC-0035") for label, page, q in found if page == "use_case")
    # Recent lessons lead on to the lessons library.
    assert any(page == "lessons" for label, page, q in found)


def test_filters_narrow_the_overview(app_for, demo_url):
    at = app_for(demo_url)
    at.multiselect(key="o_sector").set_value(["retail"]).run()
    assert not at.exception
    assert metric(at, "Active use cases") == str(
        count(demo_url, f"SELECT count(*) FROM use_case WHERE sector = 'retail' AND stage IN {ACTIVE}")
    )
    # Links keep the filter, in the words the Portfolio's filter shows.
    assert all(q.get("sector") == ["Retail"] for label, page, q in links(at) if page == "portfolio")
    at.multiselect(key="o_tier").set_value(["high"]).run()  # no retail use case is high-risk
    assert "No use case matches these filters" in texts(at)
    assert not at.get("vega_lite_chart")


def test_the_portfolio_shows_the_use_cases_behind_a_figure(app_for, demo_url):
    at = app_for(demo_url, "pages/portfolio.py")
    at.query_params["show"] = "trust:no_disclosure"
    at.run()
    assert not at.exception
    expected = count(
        demo_url,
        f"SELECT count(*) FROM use_case WHERE customer_facing AND NOT ai_disclosure AND stage IN {ACTIVE}",
    )
    assert len(at.dataframe[0].value) == expected
    assert "Customers not told about the AI" in texts(at)
    at.button(key="show_all").click().run()
    assert len(at.dataframe[0].value) == 36


def test_an_empty_portfolio_says_what_to_do_first(app_for, database_url):
    at = app_for(database_url)
    assert not at.exception
    shown = texts(at)
    assert "The portfolio is empty" in shown
    assert "What to do first" in [h.value for h in at.subheader]
    assert not at.get("vega_lite_chart") and not at.metric
    assert {page for _, page, _ in links(at)} >= {"propose", "people"}


def as_large(view):
    """The demo's overview with the counts of a portfolio of ten thousand use cases."""
    return replace(
        view,
        headline=[replace(f, value=7985.0) if f.key == "active" else f for f in view.headline],
        subsets={
            name: replace(found, keys=[f"UC-{n:05}" for n in range(5807)]) if name == "value" else found
            for name, found in view.subsets.items()
        },
        moves_in_window=1875,
        purgatory=[replace(item, key=f"{item.key}-{n}") for n in range(20) for item in view.purgatory[:1]],
        purgatory_total=1232,
        kpi_alerts=[
            replace(alert, key=f"{alert.key}-{n}") for n in range(10) for alert in view.kpi_alerts[:1]
        ],
        kpi_alerts_total=11362,
        matrix_total=6100,
        without_kpis=4028,
        trust=replace(
            view.trust, customer_facing=4028, gaps=[replace(gap, count=1202) for gap in view.trust.gaps]
        ),
        governance=[replace(gap, count=2178) for gap in view.governance],
    )


def test_counts_of_a_large_portfolio_read_with_thousands_separators(app_for, demo_url, monkeypatch):
    real = overview_module.overview

    def large_overview(session, filters, today):
        return as_large(real(session, filters, today))

    monkeypatch.setattr(overview_module, "overview", large_overview)
    at = app_for(demo_url)
    assert not at.exception, at.exception
    assert "Pilot purgatory: 1,232" in [h.value for h in at.subheader]
    shown = texts(at)
    for wanted in (
        "1,875 moves between stages",
        "The 15 most pressing of 1,232",
        "and 11,354 more",
        "Of 4,028 use cases that customers meet",
        "4,028 use cases in pilot or later without any KPI",
        "of 6,100 scored active use cases",
        "**2,178**",
    ):
        assert wanted in shown, wanted
    assert all(metric(at, gap.label) == "1,202" for gap in as_large(real_view(demo_url)).trust.gaps)
    assert metric(at, "Active use cases") == "7,985"
    # A tile a quarter wide at 1280 px holds "See the use cases" under its count, not the count again; a figure
    # in euros says how many use cases are behind it.
    assert {"All 2,178", "See the use cases", "See the 5,807 use cases"} <= {
        label for label, _, _ in links(at)
    }
    # The bar labels on the charts, and their tooltips, separate thousands too.
    funnel = next(chart.proto.spec for chart in at.get("vega_lite_chart") if "stage_pick" in chart.proto.spec)
    assert '"format": ","' in funnel.replace('":","', '": ","')


def real_view(url):
    engine = db.make_engine(url)
    with Session(engine) as session:
        view = overview_module.overview(session, OverviewFilter(), today=utc_now().date())
    engine.dispose()
    return view


def test_a_count_of_use_cases_has_thousands_separators():
    assert use_cases_word(1) == "1 use case"
    assert use_cases_word(7985) == "7,985 use cases"
