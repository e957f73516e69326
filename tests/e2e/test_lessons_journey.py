"""A contributor records a lesson, finds it by search, and sees it suggested on a similar proposal: in a real
browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import settle
from tests.e2e.test_propose_and_score_journey import choose, nav

pytestmark = pytest.mark.e2e

TITLE = "Voice ordering kiosk misheard regional accents"


def test_record_a_lesson_find_it_and_see_it_on_a_similar_proposal(page, server):
    page.goto(f"{server}/lessons?uc=UC-0001")
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_label("Lesson title *").fill(TITLE)
    main.get_by_label("What we tried *").fill("A voice ordering kiosk in three restaurants, in English only.")
    main.get_by_label("What happened *").fill(
        "One order in four from guests with regional accents was misheard; queues grew at lunch."
    )
    main.get_by_label("What we would do differently").fill("Test with the accents of our own guests first.")
    choose(page, "Category *", "Model performance")
    main.get_by_role("button", name="Record the lesson").click()
    settle(page)
    expect(main.get_by_text("Lesson recorded on UC-0001")).to_have_count(1)

    search = main.get_by_label("Search lessons and public incidents")
    search.fill("ACCENTS kiosk")
    search.press("Enter")
    settle(page)
    lessons = main.locator('[data-testid="stExpander"] summary')
    expect(lessons.filter(has_text=TITLE)).to_have_count(1)
    found = [text.splitlines()[-1] for text in lessons.all_inner_texts() if "UC-" in text]  # after the icon
    assert found == [f"{TITLE} · UC-0001"]
    lessons.filter(has_text=TITLE).click()
    expect(
        main.get_by_role("paragraph").filter(has_text="Test with the accents of our own guests")
    ).to_be_visible()
    expect(main.get_by_label("Lesson title *")).to_have_value("")  # the form is empty for the next lesson

    nav(page, "Propose")
    page.get_by_label("Title *").fill("Voice ordering kiosk for the hotel restaurants")
    page.get_by_label("Problem and who it serves *").fill(
        "Guests queue at breakfast; a voice kiosk could take simple orders in several accents."
    )
    page.get_by_label("Problem and who it serves *").press("Tab")
    settle(page)
    panel = main.locator('[data-testid="stExpander"]').filter(has_text="Learn first")
    # The first title typed builds the portfolio's similarity index: on a loaded machine that rerun can still be
    # under way when settle() first looks.
    expect(panel.get_by_text(TITLE)).to_have_count(1, timeout=90_000)
    expect(panel.get_by_text("UC-0001 · Customer-service assistant for simple questions")).not_to_have_count(
        0
    )


def test_the_gate_dialog_shows_the_lessons_and_incidents_to_read_first(page, server):
    from tests.e2e.test_gate_journey import decide

    page.goto(f"{server}/board")
    settle(page)
    dialog = decide(page, "UC-0019", "Gate decision")  # the multilingual booking chatbot, in pilot
    reading = dialog.locator('[data-testid="stExpander"]').filter(has_text="Read before deciding")
    reading.locator("summary").click()
    expect(reading.get_by_text("The booking chatbot left guests no way to reach a person")).to_have_count(1)
    expect(reading.get_by_text("Lessons from similar use cases")).to_have_count(1)
    expect(reading.get_by_text("Similar public AI incidents")).to_have_count(1)
    expect(reading.get_by_text("CC BY-SA 4.0", exact=False)).to_have_count(1)
