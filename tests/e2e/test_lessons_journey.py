"""A contributor records a lesson, finds it by search, and sees it suggested on a similar proposal: in a real
browser."""

import pytest

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
    assert main.get_by_text("Lesson recorded on UC-0001").count() == 1

    search = main.get_by_label("Search lessons and public incidents")
    search.fill("ACCENTS kiosk")
    search.press("Enter")
    settle(page)
    lessons = main.locator('[data-testid="stExpander"] summary')
    found = [text.splitlines()[-1] for text in lessons.all_inner_texts() if "UC-" in text]  # after the icon
    assert found == [f"{TITLE} · UC-0001"]
    lessons.filter(has_text=TITLE).click()
    assert (
        main.get_by_role("paragraph").filter(has_text="Test with the accents of our own guests").is_visible()
    )
    assert main.get_by_label("Lesson title *").input_value() == ""  # the form is empty for the next lesson

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
    panel.get_by_text(TITLE).wait_for(state="attached", timeout=60_000)
    assert panel.get_by_text(TITLE).count() == 1
    assert panel.get_by_text("UC-0001 · Customer-service assistant for simple questions").count() >= 1


def test_the_gate_dialog_shows_the_lessons_and_incidents_to_read_first(page, server):
    from tests.e2e.test_gate_journey import decide

    page.goto(f"{server}/board")
    settle(page)
    dialog = decide(page, "UC-0019", "Gate decision")  # the multilingual booking chatbot, in pilot
    reading = dialog.locator('[data-testid="stExpander"]').filter(has_text="Read before deciding")
    reading.locator("summary").click()
    assert reading.get_by_text("The booking chatbot left guests no way to reach a person").count() == 1
    assert reading.get_by_text("Lessons from similar use cases").count() == 1
    assert reading.get_by_text("Similar public AI incidents").count() == 1
    assert reading.get_by_text("CC BY-SA 4.0", exact=False).count() == 1
