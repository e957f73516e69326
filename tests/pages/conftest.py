"""AppTest helpers: run the real app.py against a test database."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app_for(monkeypatch):
    """`app_for(url, page=None, uc=None)` runs the app against `url`, opening `page` and choosing use case `uc`.
    (AppTest does not restore widgets bound to query parameters; the browser tests cover the URL.)"""

    def run(url: str, page: str | None = None, uc: str | None = None) -> AppTest:
        monkeypatch.setenv("PORTFOLIO_DATABASE_URL", url)
        monkeypatch.setenv("PORTFOLIO_DEMO_ON_FIRST_START", "false")
        monkeypatch.setenv("PORTFOLIO_LOCAL_PERSON_EMAIL", "admin@example.org")
        at = AppTest.from_file(APP, default_timeout=30)
        if page:
            at.switch_page(page)
        at.run()
        if uc:
            at.selectbox(key="uc").set_value(uc).run()
        return at

    return run
