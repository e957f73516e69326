"""A director opens the app on the overview and clicks through to the use cases behind a figure: in a real
browser (chart selections and links only work there)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e


def chosen(page, key: str) -> str:
    """What a filter (a multiselect keyed `key`) shows as chosen."""
    return page.locator(f'.st-key-{key} [data-testid="stMultiSelectTagsContainer"]').inner_text().strip()


def test_a_funnel_stage_opens_the_portfolio_filtered_to_that_stage(page, server):
    page.goto(server)
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Overview"
    bar = page.locator('.st-key-overview_funnel .vega-embed .mark-rect path[aria-label*="Stage: Pilot;"]')
    bar.wait_for()
    pilots = int(re.search(r"Use cases: (\d+)", bar.get_attribute("aria-label")).group(1))
    bar.click()
    page.wait_for_url(re.compile(r"/portfolio\?stage=Pilot"), timeout=60_000)
    settle(page)
    expect(page.locator("h1").first).to_have_text("Portfolio")
    expect(page.get_by_text(f"{pilots} use cases. Select a row to open it.")).to_have_count(1)
    assert chosen(page, "stage") == "Pilot"


def test_a_purgatory_item_opens_that_pilot(page, server):
    page.goto(server)
    settle(page)
    item = page.locator('[class*="st-key-purgatory_"]').first
    link = item.locator('[data-testid="stPageLink"] a').first
    key = re.search(r"(UC-\d{4})", link.inner_text()).group(1)
    title = link.inner_text().strip().split(" · ", 1)[1]
    link.click()
    page.wait_for_url(re.compile(rf"/use_case\?uc={key}"), timeout=60_000)
    settle(page)
    expect(page.locator("h1").first).to_have_text(title)
    expect(page.get_by_text("Decision overdue since")).not_to_have_count(0)


def test_a_figure_opens_exactly_the_use_cases_behind_it(page, server):
    page.goto(server)
    settle(page)
    gap = page.locator(".st-key-trust_no_disclosure")
    expected = int(gap.locator('[data-testid="stMetricValue"]').inner_text())
    gap.get_by_role("link", name="See them").locator("visible=true").first.click()
    page.wait_for_url(re.compile(r"/portfolio\?.*show=trust"), timeout=60_000)
    settle(page)
    expect(page.get_by_text(f"{expected} use cases. Select a row to open it.")).to_have_count(1)
    expect(page.get_by_text("Customers not told about the AI")).not_to_have_count(0)


def test_filters_are_kept_in_the_address(page, server):
    page.goto(f"{server}/?o_sector=Retail")
    settle(page)
    assert chosen(page, "o_sector") == "Retail"
    page.locator('[data-testid="stPageLink"] a', has_text="See the").first.click()
    page.wait_for_url(re.compile(r"/portfolio\?.*sector=Retail"), timeout=60_000)
    settle(page)
    assert chosen(page, "sector") == "Retail"


def test_the_full_matrix_opens_with_the_overviews_filters(page, server):
    page.goto(f"{server}/?o_sector=Retail")
    settle(page)
    page.locator('[data-testid="stPageLink"] a', has_text="The full matrix").locator(
        "visible=true"
    ).first.click()
    page.wait_for_url(re.compile(r"/matrix\?.*m_sector=Retail"), timeout=60_000)
    settle(page)
    expect(page.locator("h1").first).to_have_text("Impact and risk")
    assert chosen(page, "m_sector") == "Retail"
    # The small matrix shows the active use cases, so the full one opens on the same stages.
    assert chosen(page, "m_stage").split() == ["Proposed", "Assessed", "Pilot", "Scale-up", "Production"]
