"""AppTest helpers: run the real app.py against a test database."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from portfolio import db
from portfolio.config import load_settings
from portfolio.errors import DatabaseUnavailable

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LOCAL_EMAIL = "admin@example.org"


def seed(url: str) -> None:
    """What the app's start-up gives every database (the local administrator, the scoring model, the
    checklists). The app does it once per process and database, and finding the acting person never writes,
    so a test database emptied since (PostgreSQL tests reuse one URL) gets it here, as a restart would."""
    from portfolio.services import incidents
    from portfolio.startup import seed as seed_database

    engine = db.make_engine(url)
    try:
        db.check_connection(engine)
        with db.unit_of_work(engine) as session:
            seed_database(session, load_settings(database_url=url, local_person_email=LOCAL_EMAIL))
            incidents.ensure_library(session)  # as the app's start-up does, so it writes nothing in a test
    except DatabaseUnavailable:
        pass  # the test is about an unreachable database
    finally:
        engine.dispose()


USE_CASE_TABS = ("Overview", "Scores", "KPIs and results", "Decisions and history", "Lessons", "Audit trail")


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open a tab of the use case page, as a click does: only the open tab runs, so its content appears on the
    rerun. (AppTest cannot click a tab; the tabs' key holds the open one.)"""
    at.session_state["uc_tab"] = label
    return at.run()


@pytest.fixture
def app_for(monkeypatch):
    """`app_for(url, page=None, uc=None, tab=None)` runs the app against `url`, opening `page`, choosing use case
    `uc` and opening the use case page's `tab`.
    (AppTest does not restore widgets bound to query parameters; the browser tests cover the URL.)

    Local mode, also on PostgreSQL: PORTFOLIO_REQUIRE_SIGN_IN=false, since a PostgreSQL database otherwise
    requires sign-in (tests/pages/test_sign_in_pages.py tests sign-in itself)."""

    def run(url: str, page: str | None = None, uc: str | None = None, tab: str | None = None) -> AppTest:
        monkeypatch.setenv("PORTFOLIO_DATABASE_URL", url)
        monkeypatch.setenv("PORTFOLIO_DEMO_ON_FIRST_START", "false")
        monkeypatch.setenv("PORTFOLIO_LOCAL_PERSON_EMAIL", LOCAL_EMAIL)
        monkeypatch.setenv("PORTFOLIO_REQUIRE_SIGN_IN", "false")
        seed(url)
        at = AppTest.from_file(APP, default_timeout=30)
        if page:
            at.switch_page(page)
        at.run()
        if uc:
            at.selectbox(key="uc").set_value(uc).run()
        if tab:
            open_tab(at, tab)
        return at

    return run
