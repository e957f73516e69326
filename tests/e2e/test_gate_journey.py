"""From Assessed through the pilot gate to Scale-up, on the pipeline board, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle
from tests.e2e.test_propose_and_score_journey import nav

pytestmark = pytest.mark.e2e


def decide(page, key: str, action: str) -> object:
    """Open the dialog of `action` from the board card of `key`, drawn in full."""
    card = page.locator(f".st-key-card_{key}")
    more = page.get_by_role("button", name=re.compile(r"^Show \d+ more$"))
    while card.count() == 0 and more.count():  # a long column shows its first cards; ask for more
        more.first.click()
        settle(page)
    card.get_by_label("Decide").click()
    page.keyboard.press("ArrowDown")  # a click focuses the menu; the arrow key opens it
    page.get_by_role("option", name=action, exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    settle(page)  # the dialog shows as soon as its run starts drawing it
    return dialog


def fill_overrides(page, dialog) -> None:
    for field in dialog.get_by_label(re.compile(r"^Override: ")).all():
        field.fill("Accepted by the steering committee for a two-store start.")
        field.press("Tab")
        settle(page)


def test_from_assessed_through_the_pilot_gate_to_scale_up(page, server):
    page.goto(f"{server}/board")
    settle(page)
    nav(page, "Pipeline board")

    dialog = decide(page, "UC-0010", "Gate decision")
    expect(dialog).to_contain_text("Pilot gate")
    # Nothing is preselected, and the charter counts as recorded only once it is filled in.
    assert not dialog.get_by_role("radio", name="Go", exact=True).is_checked()
    dialog.get_by_text("Go", exact=True).click()
    settle(page)
    dialog.get_by_label("Hypothesis *").fill(
        "Earlier markdowns sell 30% more short-dated stock at the same margin."
    )
    dialog.get_by_label("Scope (sites, channels or customers) *").fill("Twelve stores in the north region.")
    dialog.get_by_label("Minimum evidence before the result counts *").fill(
        "Eight weeks of sales in all twelve stores."
    )
    dialog.get_by_label("Rationale *").fill("Strong case and low risk; start small in one region.")
    dialog.get_by_label("Rationale *").press("Tab")
    settle(page)
    fill_overrides(page, dialog)
    dialog.get_by_role("button", name="Record decision").click()
    settle(page)
    page.get_by_text("Go recorded for UC-0010 at the Pilot gate.").wait_for()

    dialog = decide(page, "UC-0010", "Gate decision")
    expect(dialog).to_contain_text("Scale-up gate")
    dialog.get_by_text("Go", exact=True).click()
    settle(page)
    dialog.get_by_text(
        "The pilot reached its minimum evidence before the result was judged (confirmed by you)", exact=True
    ).click()
    settle(page)
    dialog.get_by_label("Rationale *").fill("Waste down and margin held in all twelve stores.")
    dialog.get_by_label("Rationale *").press("Tab")
    settle(page)
    fill_overrides(page, dialog)
    dialog.get_by_role("button", name="Record decision").click()
    settle(page)
    page.get_by_text("Go recorded for UC-0010 at the Scale-up gate.").wait_for()

    page.goto(f"{server}/use_case?uc=UC-0010")
    settle(page)
    page.get_by_role("tab", name="Decisions and history").click()
    settle(page)
    expect(page.get_by_text("Scale-up gate: Go")).not_to_have_count(0)
    expect(page.get_by_text("Pilot gate: Go")).not_to_have_count(0)
