"""Text people typed is shown exactly as typed on every page (AppTest): a use case whose every typed text is
full of markup reaches no element that interprets Markdown, HTML or LaTeX unescaped."""

import pytest

from portfolio.ui.navigation import PAGES
from portfolio.ui.text import plain
from tests.markup_portfolio import FRAGMENTS, MARKUP, add_markup_everywhere
from tests.pages.conftest import USE_CASE_TABS, open_tab

# Proto fields that Streamlit renders as Markdown: bodies of markdown, captions, headings and alerts; labels
# and help of widgets, metrics, expanders, tabs and links; a radio's options; a dialog's title.
MARKDOWN_FIELDS = {"body", "label", "help", "title"}


def markdown_sources(at) -> list[tuple[str, str]]:
    """(element type, source text) of everything on the page that Streamlit interprets as Markdown."""
    found = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = getattr(node, "type", "")
        if hasattr(proto, "WhichOneof") and not hasattr(proto, "body") and not hasattr(proto, "label"):
            inner = proto.WhichOneof("type") if "type" in [o.name for o in proto.DESCRIPTOR.oneofs] else None
            proto = getattr(proto, inner) if inner else proto
        for field, value in proto.ListFields():
            if field.name in MARKDOWN_FIELDS and isinstance(value, str):
                found.append((kind, value))
            elif field.name == "options" and kind == "radio":
                found.extend((kind, option) for option in value)
        if getattr(proto, "allow_html", False):
            found.append(("html", getattr(proto, "body", "")))
    return found


def unescaped(at) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in markdown_sources(at) if any(f in text for f in FRAGMENTS)]


def html_with_typed_text(at) -> list[str]:
    return [text for kind, text in markdown_sources(at) if kind == "html" and "Assistant" in text]


@pytest.mark.parametrize("page", [p.script for p in PAGES])
def test_every_page_shows_typed_markup_as_typed(app_for, database_url, engine, admin, page):
    key = add_markup_everywhere(engine, admin)
    at = app_for(database_url, page, uc=key if page == "pages/use_case.py" else None)
    assert not at.exception, at.exception
    # The use case page runs only its open tab: check each tab in turn.
    for tab in USE_CASE_TABS if page == "pages/use_case.py" else (None,):
        if tab:
            open_tab(at, tab)
            assert not at.exception, at.exception
        problems = unescaped(at)
        assert problems == [], "\n".join(f"{k}: {t}" for k, t in problems)
        assert html_with_typed_text(at) == []


@pytest.mark.parametrize("page", ["pages/use_case.py", "pages/board.py", "pages/lessons.py"])
def test_the_title_is_shown_escaped(app_for, database_url, engine, admin, page):
    key = add_markup_everywhere(engine, admin)
    at = app_for(database_url, page, uc=key if page == "pages/use_case.py" else None)
    assert any(plain(MARKUP) in text for _kind, text in markdown_sources(at)), markdown_sources(at)


@pytest.mark.parametrize("page", ["pages/score.py", "pages/results.py"])
def test_a_menu_shows_the_title_as_typed(app_for, database_url, engine, admin, page):
    """Menus do not interpret Markdown: their options carry the text as typed."""
    key = add_markup_everywhere(engine, admin)
    at = app_for(database_url, page)
    assert f"{key} · {MARKUP}" in at.selectbox[0].options


def test_decision_dialogs_show_typed_markup_as_typed(app_for, database_url, engine, admin):
    key = add_markup_everywhere(engine, admin)
    at = app_for(database_url, "pages/board.py")
    actions = at.selectbox(key=f"act_{key}")
    for action in [o for o in actions.options if o != "Decide…"]:
        at.selectbox(key=f"act_{key}").select(action).run()
        assert not at.exception, at.exception
        problems = unescaped(at)
        assert problems == [], "\n".join(f"{k}: {t}" for k, t in problems)
        assert html_with_typed_text(at) == []
        assert any(f"{plain(key)} · {plain(MARKUP)}" in text for _kind, text in markdown_sources(at)), action


def test_similar_cases_on_propose_show_typed_markup_as_typed(app_for, database_url, engine, admin):
    key = add_markup_everywhere(engine, admin)
    at = app_for(database_url, "pages/propose.py")
    at.text_input(key="draft_title").set_value(MARKUP).run()
    at.text_area(key="draft_problem").set_value("Assistant bold tag problem").run()
    assert not at.exception, at.exception
    problems = unescaped(at)
    assert problems == [], "\n".join(f"{k}: {t}" for k, t in problems)
    links = [link.value for link in at.get("page_link")]
    assert any(link.startswith(f"{plain(key)} · {plain(MARKUP)}") for link in links), links
    # The lesson of the similar use case, suggested before proposing.
    assert any(plain("Assistant **bold**") in text for _kind, text in markdown_sources(at))
