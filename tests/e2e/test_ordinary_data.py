"""Ordinary data in a real browser (issue #8, "Done when"): on the demo with every measurement moved 100 days
back, one KPI without a target date and a use case titled with markup, no page fails, the statuses say
"No recent data", and the title reads exactly as typed."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from portfolio import db
from portfolio.config import load_settings
from portfolio.models import Kpi, Measurement, UseCase
from portfolio.services import people, results, use_cases
from portfolio.startup import prepare_database
from portfolio.ui.navigation import PAGES
from tests.conftest import TEST_POSTGRES_URL, _drop_postgres_database
from tests.e2e.conftest import fresh_database, launch_app, open_context, settle, stop_app
from tests.markup_portfolio import MARKUP

pytestmark = pytest.mark.e2e

KEY = "UC-0001"
UNDATED_KPI = "Complaints about the assistant"
DATABASES: dict[str, str] = {}  # the aged server's address → its database


def age_the_demo(url: str) -> None:
    """The demo as a new user gets it, then: UC-0001 titled MARKUP, a KPI without a target date on it, and
    every measurement moved 100 days into the past (the kept latest values with them)."""
    settings = load_settings(database_url=url, demo_on_first_start=True)
    engine = prepare_database(settings)
    try:
        with db.unit_of_work(engine) as session:
            actor = people.actor_for(session, settings.local_person_email)
            version = use_cases.get_use_case(session, KEY).version
            use_cases.update_use_case(session, actor, KEY, expected_version=version, title=MARKUP)
            kpi = results.define_kpi(
                session, actor, KEY, name=UNDATED_KPI, kind="trust", unit="count", direction="lower", target=5
            )
            results.log_measurements(
                session, actor, kpi.id, [{"measured_on": kpi.created_at.date(), "value": 9}]
            )
        with db.unit_of_work(engine) as session:
            for measurement in session.exec(select(Measurement)).all():
                measurement.measured_on -= timedelta(days=100)
                session.add(measurement)
            session.flush()
            for kpi in session.exec(select(Kpi)).all():
                results.refresh_kpi(session, kpi)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def aged_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = fresh_database(backend, tmp_path_factory, "aged")
    age_the_demo(url)
    process, address = launch_app(url, tmp_path_factory.mktemp("aged-log") / "streamlit.log")
    DATABASES[address] = url
    yield address
    stop_app(process)
    if backend == "postgresql" and TEST_POSTGRES_URL:
        _drop_postgres_database(url)


@pytest.fixture
def tab(browser, aged_server):
    context = open_context(browser)
    page = context.new_page()
    yield page
    context.close()


def open_page(page, server: str, path: str, query: str = "") -> None:
    # By address: the sidebar folds some pages under "View N more".
    page.goto(f"{server}/{path}" + (f"?{query}" if query else ""))
    settle(page)


def assert_exactly_as_typed(element) -> None:
    """The element reads MARKUP character for character, with nothing bold, coloured, HTML or KaTeX in it."""
    assert element.inner_text().strip() == MARKUP
    for rendered in (
        "strong",
        "b",
        "span[class*='colored']",
        ".katex",
        "[data-testid='stMarkdownColoredText']",
    ):
        assert element.locator(rendered).count() == 0, rendered


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_no_page_fails_on_ordinary_data(tab, aged_server, spec):
    query = f"uc={KEY}" if spec.url_path in ("use_case", "score", "results") else spec.sample_query
    open_page(tab, aged_server, spec.path, query)
    assert tab.locator("h1").first.inner_text().strip()


def test_the_use_case_reads_as_typed_and_its_statuses_say_no_recent_data(tab, aged_server):
    open_page(tab, aged_server, "use_case", f"uc={KEY}")
    assert_exactly_as_typed(tab.locator("h1").first)
    tab.get_by_role("tab", name="KPIs and results").click()
    settle(tab)
    panel = tab.locator('[data-testid="stTabPanel"]:visible').first
    expect(panel.get_by_text(UNDATED_KPI, exact=True).first).to_be_visible()
    # Each KPI card's status badge (its text follows the icon's name).
    badges = [text.strip() for text in panel.locator(".stMarkdownBadge").all_inner_texts()]
    shown = {
        word: sum(badge.endswith(word) for badge in badges)
        for word in ("No recent data", "At risk", "On track", "Off track", "Achieved")
    }
    engine = db.make_engine(DATABASES[aged_server])
    with Session(engine) as session:
        kpis = session.exec(
            select(Kpi.id).join(UseCase).where(UseCase.key == KEY, Kpi.retired_on.is_(None))
        ).all()
    engine.dispose()
    assert shown == {"No recent data": len(kpis), "At risk": 0, "On track": 0, "Off track": 0, "Achieved": 0}


def test_log_results_says_no_recent_data_for_the_kpi_without_a_target_date(tab, aged_server):
    open_page(tab, aged_server, "results", f"uc={KEY}")
    chosen = tab.locator(".st-key-results_uc")
    # The menu shows the chosen option in its text box, as typed (a menu never interprets Markdown).
    assert chosen.locator("input").first.input_value() == f"{KEY} · {MARKUP}"
    tab.locator(f".st-key-results_kpi_{KEY}").click()
    tab.get_by_role("option", name=UNDATED_KPI).click()
    settle(tab)
    expect(tab.locator(f".st-key-results_kpi_{KEY} input").first).to_have_value(
        re.compile("^" + re.escape(UNDATED_KPI))
    )
    expect(tab.get_by_text(re.compile(r"^Status: ")).first).to_have_text(
        re.compile(r"^Status: No recent data")
    )


def test_the_board_card_reads_as_typed(tab, aged_server):
    open_page(tab, aged_server, "board")
    card = tab.locator(f".st-key-card_{KEY}")
    if card.count() == 0:  # not among the first cards of its stage: show them all
        stage_more = tab.get_by_role("button", name="more")
        while stage_more.count():
            stage_more.first.click()
            settle(tab)
    title = card.locator('[data-testid="stMarkdownContainer"]').first
    assert title.inner_text().strip() == f"{KEY} {MARKUP}"
    for rendered in (".katex", "[data-testid='stMarkdownColoredText']"):
        assert title.locator(rendered).count() == 0
    assert title.locator("strong").all_inner_texts() == [KEY]
