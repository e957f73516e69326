"""The overview, the app's home page, as a user sees it (AppTest)."""

from urllib.parse import parse_qs

from sqlalchemy import text

from portfolio import db
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
