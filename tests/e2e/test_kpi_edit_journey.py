"""A contributor corrects a KPI's target on the use case page, sees every problem beside its field, then
retires the KPI with a reason and finds it, with its history, under Retired KPIs."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e

KPI = "Out-of-stock hours on Saturdays"  # UC-0008's; no other browser test reads it


def card(page):
    return page.locator('[class*="st-key-kpi_card_"]').filter(has_text=KPI)


def open_kpis(page, server) -> None:
    page.goto(f"{server}/use_case?uc=UC-0008")
    settle(page)
    page.get_by_role("tab", name="KPIs and results").click()
    settle(page)
    card(page).get_by_text("Edit or retire this KPI").click()


def test_a_kpi_is_edited_then_retired_in_the_browser(page, server):
    open_kpis(page, server)
    form = card(page)
    form.get_by_label("KPI name *").fill("")
    form.get_by_label("Target", exact=True).fill("6")  # the baseline: nothing to improve
    form.get_by_role("button", name="Save KPI").click()
    settle(page)
    shown = card(page)
    # Both problems at once, each beside its field and again in the list beside the button.
    expect(shown.get_by_text("KPI name is required.")).to_have_count(2)
    expect(shown.get_by_text("Target must differ from the baseline")).to_have_count(2)
    expect(shown.get_by_text("Please fix these 2 problems")).to_have_count(1)

    shown.get_by_label("KPI name *").fill(KPI)
    shown.get_by_label("Target", exact=True).fill("3.5")
    shown.get_by_role("button", name="Save KPI").click()
    settle(page)
    expect(card(page).get_by_text("Please fix these 2 problems")).to_have_count(0)
    expect(card(page).locator('[data-testid="stMetricValue"]').last).to_have_text(
        re.compile(r"^\s*3\.5")
    )  # the new target
    expect(card(page).get_by_text("KPI name is required.")).to_have_count(0)

    if card(page).get_by_label("Why is it retired? *").count() == 0:
        card(page).get_by_text("Edit or retire this KPI").click()
    card(page).get_by_label("Why is it retired? *").fill("Replaced by the store-level availability KPI")
    card(page).get_by_role("button", name="Retire KPI").click()
    settle(page)
    expect(page.get_by_text("Retired KPIs (1)")).to_be_visible()
    expect(card(page)).to_have_count(0)
    page.get_by_text("Retired KPIs (1)").click()
    retired = page.locator('[class*="st-key-retired_kpi_card_"]').filter(has_text=KPI)
    expect(retired.get_by_text("Replaced by the store-level availability KPI", exact=False)).to_be_visible()
    expect(retired.locator('[data-testid="stVegaLiteChart"]')).to_have_count(
        1
    )  # its results are still charted
