"""Every page opens in a real browser, and the portfolio's browser-only interactions work."""

import re

import pytest
from playwright.sync_api import expect

from portfolio.ui.navigation import PAGES
from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_opens_without_an_exception(page, server, spec, tmp_path):
    page.goto(f"{server}/{spec.path}" + (f"?{spec.sample_query}" if spec.sample_query else ""))
    settle(page)
    assert page.locator("h1").first.inner_text().strip()
    page.screenshot(path=tmp_path / f"{spec.url_path}.png", full_page=True)


def test_selecting_a_row_opens_that_use_case(page, server):
    page.goto(f"{server}/portfolio")
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    box = grid.bounding_box()
    # The grid draws on a canvas: click the selection cell of the second data row (the header is ~35 px high,
    # rows 66 px so that titles wrap).
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 66 + 33)
    page.wait_for_url(re.compile(r"/use_case\?uc=UC-0002"), timeout=60_000)
    settle(page)
    expect(page.locator("h1").first).to_have_text("AI travel influencer for hotel campaigns")


def test_a_link_opens_the_use_case_it_names(page, server):
    page.goto(f"{server}/use_case?uc=UC-0007")
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Campaign targeting model on commercial data"
    page.get_by_role("tab", name="Lessons").click()
    settle(page)
    expect(page.get_by_text("raised returns").first).to_be_visible()
