"""The Quarterly snapshots page (AppTest): read, take, refuse, compare."""

from sqlmodel import Session

from portfolio import db
from portfolio.services import people, snapshots
from tests.pages.shown import as_shown
from tests.pages.test_portfolio_pages import metric, texts
from tests.services.factories import propose
from tests.services.test_snapshots import LAST_QUARTER, THIS_QUARTER, take, tamper
from tests.snapshot_fixtures import demo_copy_url, snapshot_demo_template  # noqa: F401

PAGE = "pages/snapshots.py"


def open_page(app_for, url):
    at = app_for(url, PAGE)
    assert not at.exception, at.exception
    return at


def submit(at):
    next(b for b in at.button if b.label == "Take snapshot").click().run()
    return at


def test_the_demo_snapshots_are_listed_and_read_with_their_figures(app_for, demo_copy_url):  # noqa: F811
    at = open_page(app_for, demo_copy_url)
    assert at.title[0].value == "Quarterly snapshots"
    listing = at.dataframe[0].value
    assert list(listing["quarter"]) == [LAST_QUARTER.label, LAST_QUARTER.previous().label]
    assert set(listing["intact"]) == {"Verified"}
    engine = db.make_engine(demo_copy_url)
    with Session(engine) as session:
        content = snapshots.get_snapshot(session, LAST_QUARTER.label).content
    engine.dispose()
    figures = {f["label"]: f["value"] for f in content["headline"]}
    assert metric(at, "Active use cases") == str(figures["Active use cases"])
    assert metric(at, "Pilots") == str(figures["Pilots"])
    assert "since last quarter" in texts(at)
    assert at.get("download_button")
    # The board report's lists, as the report shows them, each with how many there are in all.
    in_purgatory = sum(1 for c in content["use_cases"] if c["stage"] == "pilot" and c["flags"])
    assert f"Pilots needing a decision ({in_purgatory})" in [e.label for e in at.expander]
    purgatory = next(f.value for f in at.dataframe if "Days in pilot" in f.value.columns)
    assert len(purgatory) == in_purgatory
    # Comparison of the demo's two quarters: a chart and the moved use cases.
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    assert any("movement" in frame.value.columns for frame in at.dataframe)
    # The compared figures read in their units: euros whole, rates with %, changes signed.
    figures = next(f.value for f in at.dataframe if "figure" in f.value.columns).set_index("figure")
    value = figures.loc["Value delivered per year"]
    assert value["after"].startswith("€") and "." not in value["after"]
    assert figures.loc["Pilot decisions on time"]["after"].endswith("%")
    assert all(change == "—" or change == "No change" or change[0] in "+−" for change in figures["change"])


def test_an_approver_takes_the_running_quarter_and_a_repeat_is_refused(app_for, demo_copy_url):  # noqa: F811
    at = open_page(app_for, demo_copy_url)
    submit(at)
    assert not at.exception and not at.error
    assert at.dataframe[0].value["quarter"].iloc[0] == THIS_QUARTER.label
    submit(at)
    assert not at.exception
    assert "already taken" in " ".join(e.value for e in at.error)


def test_a_bad_quarter_is_one_clear_message(app_for, demo_copy_url):  # noqa: F811
    at = open_page(app_for, demo_copy_url)
    next(t for t in at.text_input if t.label == "Quarter").set_value("2026-Q5")
    submit(at)
    assert not at.exception
    assert [e.value for e in at.error] and "such as 2026-Q4" in as_shown(at.error[0].value)
    assert len(at.dataframe[0].value) == 2


def test_a_tampered_snapshot_is_refused_on_the_page(app_for, demo_copy_url):  # noqa: F811
    engine = db.make_engine(demo_copy_url)
    snapshot = take(engine)
    tamper(engine, snapshot.id, lambda content: content["totals"].update(active=999))
    engine.dispose()
    at = open_page(app_for, demo_copy_url)
    assert "Fails the check" in list(at.dataframe[0].value["intact"])
    assert "fails its integrity check" in " ".join(e.value for e in at.error)
    assert "999" not in [m.value for m in at.metric]


def test_a_viewer_reads_but_cannot_take(app_for, demo_copy_url):  # noqa: F811
    engine = db.make_engine(demo_copy_url)
    with db.unit_of_work(engine) as session:
        admin = people.actor_for(session, "admin@example.org")
        people.create_person(session, admin, name="Vic Viewer", email="vic@example.org", roles=["viewer"])
    engine.dispose()
    at = app_for(demo_copy_url)
    at.session_state["acting_as"] = "vic@example.org"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Take snapshot"]
    assert at.dataframe[0].value["quarter"].iloc[0] == LAST_QUARTER.label


def test_an_empty_list_of_the_quarter_says_so_instead_of_an_empty_table(app_for, database_url, engine, admin):
    propose(engine, admin)  # one proposal: no pilot, gate decision, pilot review or lesson this quarter
    at = open_page(app_for, database_url)
    submit(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    captions = [c.value for c in at.caption]
    for empty in (
        "No pilot is past its decision date or over the time limit.",
        "No gate decision was recorded this quarter.",
        "No pilot review was recorded this quarter.",
        "No lesson was recorded this quarter.",
    ):
        assert empty in captions
    assert all(len(frame.value.columns) for frame in at.dataframe)
