"""A team proposes a use case, two reviewers score it, and leadership sees it on the matrix: in a real browser."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e


def open_waiting(page, key: str, title: str) -> None:
    """Open a use case from the reviewer's list of use cases waiting for their scores (the Score page never
    lists a large portfolio in one menu)."""
    page.get_by_role("link", name=re.compile(rf"{key} · {re.escape(title)}")).click()
    settle(page)
    page.get_by_text(f"{key} · {title}").last.wait_for(state="attached")


def choose(page, label: str, option: str, *, within: str = '[data-testid="stMain"]') -> None:
    """Choose `option` in the menu labelled `label` and wait for the run the choice asks for. A run ending just as
    the menu opens can close it, or draw the menu anew without the choice: the box must then show `option`,
    else the choice is made again, up to three times in all, and the test fails saying what went wrong."""
    field = page.locator(within).get_by_label(label, exact=True)
    problem = ""
    for _attempt in range(3):
        field.click()
        target = page.get_by_role("option", name=option, exact=True)
        try:
            target.click(timeout=15_000)
        except PlaywrightTimeout:
            problem = "the menu did not offer it (or closed before it was clicked)"
            page.keyboard.press("Escape")
            settle(page)
            continue
        settle(page)
        shown = field.input_value()
        if shown == option:
            return
        problem = f"the menu shows {shown!r} after the choice"
    pytest.fail(f"Could not choose {option!r} in the menu {label!r} in three attempts: {problem}")


def nav(page, title: str) -> None:
    links = page.locator('[data-testid="stSidebarNav"]')
    more = links.get_by_text(re.compile(r"^View \d+ more$"))  # a long navigation folds its last pages
    if more.count():
        more.first.click()
    links.get_by_role("link", name=title).click()
    settle(page)


def quadrant_count(page, quadrant: str) -> int:
    caption = page.get_by_text(re.compile(r"Quick win: \d+")).inner_text()
    return int(re.search(rf"{re.escape(quadrant)}: (\d+)", caption).group(1))


def test_propose_then_two_reviewers_score_then_the_matrix_shows_it(page, server):
    page.goto(f"{server}/matrix")
    settle(page)
    bets_before = quadrant_count(page, "Strategic bet (pilot with safeguards)")

    nav(page, "Propose")
    page.get_by_label("Title *").fill("Smart shelf labels that explain price changes")
    page.get_by_label("Problem and who it serves *").fill(
        "Shoppers distrust price changes they do not understand; staff relabel shelves by hand every night."
    )
    page.get_by_label("Team *").fill("Pricing")
    page.get_by_label("Team *").press("Tab")
    settle(page)
    choose(page, "Sector *", "Retail")
    choose(page, "Kind of AI *", "Predictive")
    page.get_by_text("Customers", exact=True).click()  # who it serves is asked, not preselected
    settle(page)
    page.get_by_role("button", name="Propose use case").click()
    page.wait_for_url(re.compile(r"/use_case\?uc=UC-0037"), timeout=60_000)
    settle(page)
    expect(page.locator("h1").first).to_have_text("Smart shelf labels that explain price changes")

    nav(page, "Score")
    open_waiting(page, "UC-0037", "Smart shelf labels that explain price changes")
    page.get_by_role("button", name="Save my scores").click()
    settle(page)
    # Saved, and the next use case waiting for this reviewer opens.
    page.get_by_text(re.compile(r"Scores saved for UC-0037\. Next waiting for you: UC-\d{4}\.")).wait_for()

    choose(page, "Acting as", "Amira Haddad", within='[data-testid="stSidebar"]')
    # UC-0037 is in her list of use cases waiting for her scores.
    page.get_by_role("link", name=re.compile(r"UC-0037 · Smart shelf labels")).wait_for()
    open_waiting(page, "UC-0037", "Smart shelf labels that explain price changes")
    expect(page.get_by_text("So far 1 reviewer:")).to_have_count(1)
    page.get_by_role("button", name="Save my scores").click()
    settle(page)
    page.get_by_text(re.compile(r"Scores saved for UC-0037\.")).wait_for()

    nav(page, "Impact and risk")
    assert quadrant_count(page, "Strategic bet (pilot with safeguards)") == bets_before + 1
    point = matrix_point(page, "UC-0037")
    assert "Impact (0–100): 50; " in point.get_attribute("aria-label")


def matrix_point(page, key: str):
    """The chart's point for a use case (Vega draws SVG marks labelled with their tooltip fields)."""
    point = page.locator(f'.vega-embed .mark-symbol path[aria-label*="Key: {key};"]')
    point.wait_for()
    return point


def test_selecting_a_point_on_the_matrix_opens_that_use_case(page, server):
    page.goto(f"{server}/matrix")
    settle(page)
    matrix_point(page, "UC-0035").click()  # far in the avoid-or-rethink corner, alone
    page.wait_for_url(re.compile(r"/use_case\?uc=UC-0035"), timeout=60_000)
    settle(page)
    expect(page.locator("h1").first).to_have_text("Customer trustworthiness score")
