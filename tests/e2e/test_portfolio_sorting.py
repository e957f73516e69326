"""The Portfolio table's headings sort every matching use case (in the database, before paging), not the page
shown: a click on one sets Sort by, a second click reverses the order."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e


def test_a_heading_click_sorts_the_whole_portfolio_by_that_column(page, server):
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{server}/portfolio")
    settle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    box = grid.bounding_box()
    sort_by = page.get_by_role("combobox", name="Sort by")
    descending = page.get_by_role("radiogroup", name="Order").get_by_role("radio").nth(1)
    assert sort_by.input_value() == "Key"
    # The grid draws on a canvas: the "Days in stage" heading sits after the selection cell (~32 px), key (72),
    # use case (240) and stage (90) in the first set of columns.
    heading = (box["x"] + 32 + 72 + 240 + 90 + 45, box["y"] + 17)
    # Waiting for what the click leads to, not only for a settled app: under load the rerun may start late.
    page.mouse.click(*heading)
    expect(sort_by).to_have_value("Days in stage", timeout=60_000)
    expect(descending).to_have_attribute("aria-checked", "false")
    settle(page)
    page.mouse.click(*heading)
    expect(descending).to_have_attribute("aria-checked", "true", timeout=60_000)
    expect(sort_by).to_have_value("Days in stage")
    settle(page)
