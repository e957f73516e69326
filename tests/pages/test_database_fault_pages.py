"""A database the app cannot use is one clear sentence on the page, never Streamlit's redacted error."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP, LOCAL_EMAIL


@pytest.fixture
def app_on(monkeypatch):
    def run(url: str) -> AppTest:
        monkeypatch.setenv("PORTFOLIO_DATABASE_URL", url)
        monkeypatch.setenv("PORTFOLIO_DEMO_ON_FIRST_START", "false")
        monkeypatch.setenv("PORTFOLIO_LOCAL_PERSON_EMAIL", LOCAL_EMAIL)
        monkeypatch.setenv("PORTFOLIO_REQUIRE_SIGN_IN", "false")
        at = AppTest.from_file(APP, default_timeout=30)
        at.run()
        return at

    return run


def test_a_file_that_is_not_a_database(app_on, tmp_path: Path):
    bad = tmp_path / "portfolio.db"
    bad.write_text("Meeting notes, not a database. " * 20)
    at = app_on(f"sqlite:///{bad}")
    assert not at.exception
    assert any("is not a portfolio database" in error.value for error in at.error)


def test_a_server_that_is_down(app_on):
    at = app_on("postgresql://portfolio@127.0.0.1:9/portfolio")
    assert not at.exception
    assert any(
        "Cannot reach the portfolio database" in e.value and "nothing was saved" in e.value for e in at.error
    )
