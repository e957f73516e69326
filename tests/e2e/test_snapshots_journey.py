"""An approver takes this quarter's snapshot, downloads the board report and compares quarters, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from portfolio.models import utc_now
from portfolio.quarters import quarter_of
from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e


def test_take_download_and_compare(page, server, tmp_path):
    this_quarter = quarter_of(utc_now().date()).label
    page.goto(f"{server}/snapshots")
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Quarterly snapshots"

    page.get_by_text("Take a snapshot").click()
    page.get_by_role("button", name="Take snapshot").click()
    settle(page)
    expect(page.get_by_text(f"{this_quarter}: the portfolio as it stood on")).not_to_have_count(0)

    # The board report as a PDF is offered first.
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=re.compile("Download: Board report \\(PDF\\)")).click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name == f"board-report-{this_quarter}.pdf" and pdf.read_bytes().startswith(b"%PDF")

    page.get_by_role("radio", name="Board report (HTML)").click()
    settle(page)
    # Clicking the chosen format again keeps it chosen, and its download with it.
    page.get_by_role("radio", name="Board report (HTML)").click()
    settle(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=re.compile("Download: Board report \\(HTML\\)")).click()
    html = tmp_path / download.value.suggested_filename
    download.value.save_as(html)
    text = html.read_text(encoding="utf-8")
    assert "<svg" in text and "http://" not in text and "https://" not in text

    page.get_by_text("Compare two snapshots").scroll_into_view_if_needed()
    expect(page.locator('[data-testid="stVegaLiteChart"]')).not_to_have_count(0)
    page.screenshot(path=tmp_path / "snapshots.png", full_page=True)
