"""Someone brings an inventory in through the browser: upload, map a column and a stage word, preview,
import, and finds the use cases on the Portfolio."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_POSTGRES_URL, _drop_postgres_database
from tests.e2e.conftest import fresh_database, launch_app, open_context, settle, stop_app
from tests.e2e.test_propose_and_score_journey import choose, nav

pytestmark = pytest.mark.e2e

INVENTORY = (
    "Use Case Name,Summary,Agency,Bureau,Phase,Contact person,Notes\n"
    "Parcel damage spotter,Spots damaged parcels on the belt,Logistics,Depot North,Operation and Maintenance,"
    "ana.import@example.org,camera at gate 3\n"
    "Returns reason reader,Reads why customers return goods,Logistics,Returns desk,Exploring,,\n"
    ",A row without a title,Logistics,Depot North,Pilot,,\n"
)


@pytest.fixture(scope="module")
def import_server(backend, tmp_path_factory) -> Iterator[str]:
    """The app on an empty database of its own: the use cases imported here never shift the keys that other
    journeys, sharing the demo server, expect."""
    url = fresh_database(backend, tmp_path_factory, "imports")
    process, address = launch_app(
        url, tmp_path_factory.mktemp("imports-log") / "streamlit.log", PORTFOLIO_DEMO_ON_FIRST_START="false"
    )
    yield address
    stop_app(process)
    if backend == "postgresql" and TEST_POSTGRES_URL:
        _drop_postgres_database(url)


@pytest.fixture
def page(browser, import_server):
    context = open_context(browser)
    page = context.new_page()
    yield page
    context.close()


def shoot(page, name: str) -> None:
    """Screenshots for looking at the page (PORTFOLIO_E2E_SHOTS names a folder); never committed."""
    folder = os.environ.get("PORTFOLIO_E2E_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"import-{name}.png"), full_page=True)


def test_upload_map_preview_import_and_see_them_on_the_portfolio(page, import_server, tmp_path):
    server = import_server
    source = tmp_path / "depot-inventory.csv"
    source.write_text(INVENTORY, encoding="cp1252")
    page.goto(f"{server}/import_export")
    settle(page)
    nav(page, "Import and export")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(source))
    # The upload asks for its run only once it has ended: wait for what that run draws.
    expect(page.get_by_text("3 data rows")).to_have_count(1)
    settle(page)
    choose(page, "Contact person", "Accountable owner (owner)")
    expect(page.get_by_text("Not recognised: “Exploring” (1 row)")).to_have_count(1)
    choose(page, "Exploring", "Assessed")
    shoot(page, "mapped")
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="To create")).to_have_text(re.compile(r"\s2$"), use_inner_text=True)
    expect(metrics.filter(has_text="Refused")).to_have_text(re.compile(r"\s1$"), use_inner_text=True)
    expect(page.get_by_text("has no title")).to_have_count(1)  # in the refusals table
    page.get_by_role("button", name="Import 2 use cases").click()
    settle(page)
    expect(page.get_by_text("Import done: 2 created")).to_be_visible()
    expect(page.get_by_text("From depot-inventory.csv.")).to_have_count(1)
    shoot(page, "imported")
    page.get_by_role("link", name="See them on the Portfolio").click()
    settle(page)
    search = page.get_by_placeholder("Title, problem, key, team or owner")
    search.fill("Parcel damage spotter")
    search.press("Enter")
    settle(page)
    expect(page.get_by_text(re.compile(r"^1 use cases?\. Select a row to open it\.$"))).to_have_count(1)
    # The grid draws on a canvas; the table inside it (for screen readers) holds the cells' text.
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("td", has_text="Parcel damage spotter").first.wait_for(state="attached", timeout=15_000)
    shoot(page, "portfolio")
