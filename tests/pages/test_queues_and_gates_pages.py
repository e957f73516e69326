"""Issue 9 on the pages: the reviewer's queue and "next to score", holds on the use case, reasons on the
board for actions the acting person cannot take."""

from portfolio import db
from portfolio.services import people
from tests.pages.test_portfolio_pages import texts
from tests.services.factories import propose
from tests.services.test_scoring_gates_results import assessed, decide


def test_after_saving_scores_the_next_use_case_waiting_opens(app_for, database_url, admin, engine):
    older = propose(engine, admin, title="Shift planning assistant")
    newer = propose(engine, admin, title="Returns fraud detection")
    at = app_for(database_url, "pages/score.py")
    assert "Waiting for your scores: 2" in [e.label for e in at.expander]
    assert at.selectbox(key="score_uc").value == older
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert f"Scores saved for {older}. Next waiting for you: {newer}." in [s.value for s in at.success]
    assert at.selectbox(key="score_uc").value == newer
    at.button[0].click().run()
    assert "Nothing else is waiting for you." in " ".join(s.value for s in at.success)


def test_a_hold_shows_on_the_use_case_with_what_is_missing(app_for, database_url, admin, engine):
    key = assessed(engine, admin, customer_facing=True, ai_disclosure=True, human_path=True)
    decide(engine, admin, key, outcome="hold", charter=None, rationale="Needs a trust KPI first.")
    at = app_for(database_url, "pages/use_case.py", uc=key)
    notice = " ".join(w.value for w in at.warning)
    assert "On hold at the Pilot gate" in notice and "Missing: At least one customer" in notice


def test_the_board_says_who_can_take_an_unavailable_action(app_for, database_url, admin, engine):
    assessed(engine, admin)
    with db.unit_of_work(engine) as session:
        people.create_person(
            session, admin, name="Rita Reviewer", email="rita@example.org", roles=["reviewer"]
        )
    at = app_for(database_url, "pages/board.py")
    at.session_state["acting_as"] = "rita@example.org"
    at.run()
    assert not at.exception
    shown = texts(at)
    assert ":material/lock: Gate decision, Reject: an approver decides" in shown
    assert "Approvers decide at gates, review pilots, stop, reject and retire: Test Administrator" in shown
