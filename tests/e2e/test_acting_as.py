"""Local mode in a real browser: the person chosen under "Acting as" stays across a reload and in a copied
link, and every page says who is acting."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle
from tests.e2e.test_propose_and_score_journey import choose

pytestmark = pytest.mark.e2e


def acting_line(page):
    """The line under each page's title that says who is acting."""
    line = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').filter(
        has_text="Local mode"
    )
    return line.first


def test_the_chosen_person_is_kept_across_a_reload_and_a_shared_link(page, server):
    page.goto(f"{server}/board")
    settle(page)
    expect(acting_line(page)).to_contain_text("acting as Local administrator")

    choose(page, "Acting as", "Amira Haddad", within='[data-testid="stSidebar"]')
    expect(acting_line(page)).to_contain_text("acting as Amira Haddad")
    page.wait_for_url(re.compile(r"as=amira\.haddad(%40|@)meridian\.example"), timeout=60_000)

    page.reload()
    settle(page)
    expect(acting_line(page)).to_contain_text("acting as Amira Haddad")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_have_text(re.compile(r"Viewer, Reviewer\s*$"), use_inner_text=True)  # her roles

    # Another page keeps the person; so does its address opened in a new tab.
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Impact and risk").click()
    settle(page)
    expect(acting_line(page)).to_contain_text("acting as Amira Haddad")
    link = page.url
    assert "as=amira" in link
    other = page.context.new_page()
    other.goto(link)
    settle(other)
    expect(acting_line(other)).to_contain_text("acting as Amira Haddad")
    other.close()

    # Choosing the local administrator again takes the person out of the address.
    choose(page, "Acting as", "Local administrator", within='[data-testid="stSidebar"]')
    expect(acting_line(page)).to_contain_text("acting as Local administrator")
    page.wait_for_url(lambda url: "as=" not in url, timeout=60_000)
