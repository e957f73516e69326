"""Local mode in a real browser: the person chosen under "Acting as" stays across a reload and in a copied
link, and every page says who is acting."""

import re

import pytest

from tests.e2e.conftest import settle

pytestmark = pytest.mark.e2e


def acting_line(page) -> str:
    line = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').filter(
        has_text="Local mode"
    )
    return line.first.inner_text()


def test_the_chosen_person_is_kept_across_a_reload_and_a_shared_link(page, server):
    page.goto(f"{server}/board")
    settle(page)
    assert "acting as Local administrator" in acting_line(page)

    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("Acting as", exact=True).click()
    page.get_by_role("option", name="Amira Haddad", exact=True).click()
    settle(page)
    assert "acting as Amira Haddad" in acting_line(page)
    page.wait_for_url(re.compile(r"as=amira\.haddad(%40|@)meridian\.example"), timeout=30_000)

    page.reload()
    settle(page)
    assert "acting as Amira Haddad" in acting_line(page)
    assert sidebar.inner_text().rstrip().endswith("Viewer, Reviewer")  # her roles, under "Acting as"

    # Another page keeps the person; so does its address opened in a new tab.
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Impact and risk").click()
    settle(page)
    assert "acting as Amira Haddad" in acting_line(page)
    link = page.url
    assert "as=amira" in link
    other = page.context.new_page()
    other.goto(link)
    settle(other)
    assert "acting as Amira Haddad" in acting_line(other)
    other.close()

    # Choosing the local administrator again takes the person out of the address.
    sidebar.get_by_label("Acting as", exact=True).click()
    page.get_by_role("option", name="Local administrator", exact=True).click()
    settle(page)
    assert "acting as Local administrator" in acting_line(page)
    assert "as=" not in page.url
