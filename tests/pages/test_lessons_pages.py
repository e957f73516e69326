"""The Lessons page and the lessons shown where decisions are made, as a user sees them (AppTest)."""

from sqlmodel import Session, select

from portfolio.models import Lesson
from tests.conftest import counts
from tests.pages.test_portfolio_pages import texts
from tests.services.factories import propose
from tests.services.test_lessons_library import HOSTILE

PAGE = "pages/lessons.py"


def lesson_labels(at) -> list[str]:
    return [e.label.replace("\\", "") for e in at.expander if " · UC-" in e.label]


def shown(at) -> str:
    """The page's text as a reader sees it (typed text is escaped for Markdown)."""
    return texts(at).replace("\\", "")


def test_the_library_lists_failures_first_with_the_trend_and_the_incidents(app_for, demo_url):
    at = app_for(demo_url, PAGE)
    assert not at.exception
    assert at.title[0].value == "Lessons"
    labels = lesson_labels(at)
    assert len(labels) >= 15
    assert any("no way to reach a person" in label for label in labels[:8])  # a failure, listed first
    page = shown(at)
    assert "most failures" in page and "data quality and readiness" in page
    assert "AI Incident Database" in page and "CC BY-SA 4.0" in page
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    incidents = at.dataframe[0].value
    assert len(incidents) == 50 and {
        "occurred_on",
        "deployers",
        "harmed_parties",
        "risk_domain",
        "link",
    } <= set(incidents.columns)
    assert incidents["link"].str.startswith("https://incidentdatabase.ai/cite/").all()


def test_search_and_filters_narrow_lessons_and_incidents(app_for, demo_url):
    at = app_for(demo_url, PAGE)
    at.text_input(key="lessons_query").set_value("CHATBOT person").run()
    assert not at.exception
    labels = lesson_labels(at)
    assert labels and all("UC-" in label for label in labels)
    assert any("booking chatbot left guests" in label for label in labels)
    assert "hold every word searched" in shown(at)
    assert len(at.dataframe[0].value) >= 1
    at.text_input(key="lessons_query").set_value("").run()
    at.multiselect(key="lessons_outcome").set_value(["success"]).run()
    at.multiselect(key="lessons_category").set_value(["vendor_cost"]).run()
    labels = lesson_labels(at)
    assert any("Renegotiating per-minute pricing" in label for label in labels)
    assert not any("three times the plan" in label for label in labels)  # partial, filtered out
    assert not at.exception


def test_hostile_searches_show_sane_results(app_for, demo_url):
    at = app_for(demo_url, PAGE)
    for query in [*HOSTILE[:12], "x" * 500]:
        at.text_input(key="lessons_query").set_value(query).run()
        assert not at.exception, query
        assert not at.error, query
    at.text_input(key="lessons_query").set_value("%_%").run()
    assert "holds no words to look for" in shown(at)


def test_a_contributor_records_a_lesson_and_a_bad_one_is_refused(app_for, database_url, admin, engine):
    key = propose(engine, admin)
    at = app_for(database_url, PAGE)
    assert not at.exception
    at.selectbox(key="new_lesson_0_use_case").set_value(key)
    at.text_input(key="new_lesson_0_title").set_value("   ")
    at.text_area(key="new_lesson_0_tried").set_value("x" * 10)
    at.button(key="record_lesson_submit").click().run()
    before = counts(engine)
    assert any("Lesson title is required" in e.value for e in at.error)
    assert any("What happened is required" in e.value for e in at.error)
    assert any("Category is required" in e.value for e in at.error)
    assert counts(engine) == before and before["lesson"] == 0
    at.text_input(key="new_lesson_0_title").set_value("Agents need the **transcript**")
    at.text_area(key="new_lesson_0_happened").set_value("Customers repeated themselves.")
    at.selectbox(key="new_lesson_0_category").set_value("customer_trust")
    at.multiselect(key="new_lesson_0_tags").set_value(["hand-over"])
    at.button(key="record_lesson_submit").click().run()
    assert not at.exception and not at.error
    assert any(f"Lesson recorded on {key}" in s.value for s in at.success)
    assert any(e.label == "Agents need the \\*\\*transcript\\*\\* · " + key for e in at.expander)
    assert at.text_input(key="new_lesson_1_title").value == ""  # an empty form for the next lesson
    with Session(engine) as session:
        lesson = session.exec(select(Lesson)).one()
        assert lesson.title == "Agents need the **transcript**" and lesson.tags == ["hand-over"]
        assert lesson.stage == "proposed"


def test_propose_shows_lessons_and_incidents_like_the_idea(app_for, demo_url):
    at = app_for(demo_url, "pages/propose.py")
    at.text_input(key="draft_title").set_value("Customer-service chatbot").run()
    at.text_area(key="draft_problem").set_value(
        "A chatbot answers customers' questions about bookings."
    ).run()
    assert not at.exception
    panel = next(e for e in at.expander if e.label.startswith("Learn first"))
    assert "public incidents" in panel.label
    page = shown(at)
    assert "Lessons from similar use cases" in page
    assert "booking chatbot left guests no way to reach a person" in page
    incidents = at.dataframe[0].value
    about = incidents["title"] + " " + incidents["description"]
    assert about.str.contains("chatbot", case=False).sum() >= 3


def test_a_large_library_shows_a_page_of_lessons_at_a_time(app_for, database_url, engine):
    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 500, measurements=500)
    total = counts(engine)["lesson"]
    assert total > 30
    at = app_for(database_url, PAGE)
    assert not at.exception
    assert len(lesson_labels(at)) == 25
    assert any(f"25 of {total:,} lessons shown" in c.value for c in at.caption)
    at.button(key="lessons_more").click().run()
    assert len(lesson_labels(at)) == min(50, total)


def test_the_lesson_form_finds_its_use_case_instead_of_listing_every_one(app_for, database_url, engine):
    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 120, measurements=500)
    at = app_for(database_url, PAGE)
    menu = at.selectbox(key="new_lesson_0_use_case")
    assert len(menu.options) == 50 and menu.value is None  # nobody chose yet
    assert any("The first 50 of 120" in c.value for c in at.caption)
    at.text_input(key="new_lesson_0_use_case_search").set_value("uc-0117").run()
    assert [o.split(" · ")[0] for o in at.selectbox(key="new_lesson_0_use_case").options] == ["UC-0117"]
    at.selectbox(key="new_lesson_0_use_case").set_value("UC-0117")
    at.text_input(key="new_lesson_0_title").set_value("Ask the night shift first")
    at.text_area(key="new_lesson_0_tried").set_value("Asking the day shift.")
    at.text_area(key="new_lesson_0_happened").set_value("The night shift had the answer.")
    at.selectbox(key="new_lesson_0_category").set_value("adoption")
    at.button(key="record_lesson_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Lesson recorded on UC-0117" in s.value for s in at.success)
