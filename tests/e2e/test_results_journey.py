"""A team logs a KPI result in the browser and sees the status change."""

import pytest

from tests.e2e.conftest import settle
from tests.e2e.test_propose_and_score_journey import choose, nav

pytestmark = pytest.mark.e2e


def test_logging_a_result_changes_the_kpi_status(page, server):
    page.goto(f"{server}/results?uc=UC-0003")
    settle(page)
    nav(page, "Log results")
    choose(page, "KPI", "Guest satisfaction with in-room service (score 1-10)")
    assert page.get_by_text("At risk", exact=True).count() == 1
    page.get_by_label("Value", exact=True).fill("8.7")
    page.get_by_label("Value", exact=True).press("Tab")
    page.get_by_role("button", name="Log result").click()
    settle(page)
    assert page.get_by_text("Achieved", exact=True).count() == 1

    page.get_by_label("Value", exact=True).fill("11")
    page.get_by_role("button", name="Log result").click()
    settle(page)
    assert page.get_by_text("between 1 and 10").count() >= 1
