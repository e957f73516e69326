"""Editors and tables fit the window beside the sidebar at the widths managers use (1280 and 1440 px): no
column is reachable only by scrolling sideways."""

import pytest

from tests.e2e.conftest import open_context, settle

pytestmark = pytest.mark.e2e

OVERFLOW = """grid => {
    const scroller = grid.querySelector('.dvn-scroller');
    return scroller.scrollWidth - scroller.clientWidth;
}"""


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_scoring_model_editor_fits_without_scrolling_sideways(browser, server, width):
    context = open_context(browser, width)
    try:
        page = context.new_page()
        page.goto(f"{server}/scoring_model")
        settle(page)
        editor = page.locator('[data-testid="stForm"] [data-testid="stDataFrame"]').first
        editor.locator(".dvn-scroller").wait_for()
        assert editor.evaluate(OVERFLOW) <= 1  # a pixel of rounding
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_scoring_model_versions_fit_without_scrolling_sideways(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{server}/scoring_model")
        settle(page)
        tables = page.locator('[data-testid="stDataFrame"]')
        tables.nth(2).wait_for()
        assert tables.count() == 3  # the editor, the weights and, last, the versions
        versions = tables.last
        versions.scroll_into_view_if_needed()
        versions.locator(".dvn-scroller").wait_for()
        assert versions.evaluate(OVERFLOW) <= 1
    finally:
        context.close()
