"""A team logs a KPI result in the browser and sees the status change."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle
from tests.e2e.test_propose_and_score_journey import choose, nav

pytestmark = pytest.mark.e2e


def test_logging_a_result_changes_the_kpi_status(page, server):
    page.goto(f"{server}/results?uc=UC-0003")
    settle(page)
    nav(page, "Log results")
    choose(page, "KPI", "Guest satisfaction with in-room service (score 1–10)")
    expect(page.get_by_text("At risk", exact=True)).to_have_count(1)
    page.get_by_label("Value", exact=True).fill("8.7")
    page.get_by_label("Value", exact=True).press("Tab")
    page.get_by_role("button", name="Log result").click()
    settle(page)
    expect(page.get_by_text("Achieved", exact=True)).to_have_count(1)

    page.get_by_label("Value", exact=True).fill("11")
    page.get_by_role("button", name="Log result").click()
    settle(page)
    expect(page.get_by_text("between 1 and 10")).not_to_have_count(0)


def test_a_csv_with_broken_rows_stores_only_the_good_rows_after_confirmation(page, server, tmp_path):
    csv = tmp_path / "results.csv"
    csv.write_text(
        "date,value,note\n2026-01-05,8.4,from the survey tool\n2026-01-12,eleven,\n2026-01-19,12,\n"
    )
    page.goto(f"{server}/results?uc=UC-0016")
    settle(page)
    nav(page, "Log results")  # the address keeps UC-0016 open
    choose(page, "KPI", "Guest satisfaction (score 1–10)")
    page.get_by_role("tab", name="Upload a CSV").click()
    settle(page)  # choosing the tab asks for a run
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    # The button shows once the upload has ended and its run drawn it (the upload asks for no run before).
    page.get_by_role("button", name="Check the file").click()
    settle(page)
    expect(page.get_by_text("2 rows refused")).to_have_count(1)
    expect(page.get_by_text("Row 2: Value must be a number")).to_have_count(1)
    expect(
        page.get_by_text("Row 3: Value: a value in score 1-10 must be between 1 and 10 (got 12)")
    ).to_have_count(1)
    page.get_by_role("button", name="Store 1 good row").click()
    page.get_by_text("1 result is stored for Guest satisfaction (score 1–10).").wait_for()
    settle(page)
    expect(page.get_by_text("2 rows refused")).to_have_count(0)
