"""Finding a use case among many: a short list of matches by key or title, the open one always kept."""

from sqlmodel import Session

from portfolio.demo.scale import generate_scale_portfolio
from portfolio.views.use_case_picker import PICKER_LIMIT, pick_use_case


def test_the_picker_lists_a_short_page_keeps_the_requested_one_and_searches(engine, admin) -> None:
    generate_scale_portfolio(engine, 120, measurements=500)
    with Session(engine) as session:
        everything = pick_use_case(session)
        assert everything.matches == 120
        assert [k for k, _ in everything.options] == [f"UC-{n:04d}" for n in range(1, PICKER_LIMIT + 1)]
        assert everything.chosen == "UC-0001"

        linked = pick_use_case(session, "", "UC-0100")
        assert linked.chosen == "UC-0100"
        assert ("UC-0100" in dict(linked.options)) and len(linked.options) == PICKER_LIMIT + 1

        title = dict(everything.options)["UC-0007"]
        word = title.split()[0].upper()  # any case
        found = pick_use_case(session, word, "UC-0100")
        assert "UC-0007" in dict(found.options) and found.chosen == "UC-0100"
        assert all(word.lower() in t.lower() or k == "UC-0100" for k, t in found.options)

        by_key = pick_use_case(session, "uc-0042")
        assert by_key.options == [("UC-0042", dict(pick_use_case(session, "", "UC-0042").options)["UC-0042"])]
        assert by_key.chosen == "UC-0042"

        nothing = pick_use_case(session, "100%_", "UC-0003")  # wildcards are searched as typed
        assert nothing.matches == 0 and nothing.chosen == "UC-0003"
        assert pick_use_case(session, "no such words").chosen == "UC-0001"


def test_an_empty_portfolio_has_nothing_to_pick(session) -> None:
    picker = pick_use_case(session, "", "UC-0001")
    assert (picker.options, picker.chosen, picker.matches) == ([], None, 0)
