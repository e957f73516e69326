"""The pipeline board and the lifecycle on the use-case page (AppTest; the dialogs are covered in the browser)."""

from tests.pages.shown import as_shown
from tests.pages.test_portfolio_pages import texts


def metric(at, label):
    return int(next(m.value for m in at.metric if m.label == label))


def test_the_board_shows_stages_with_flagged_use_cases_first(app_for, demo_url):
    at = app_for(demo_url, "pages/board.py")
    assert not at.exception
    assert at.title[0].value == "Pipeline board"
    shown = texts(at)
    for header in ("**Proposed** ·", "**Assessed** ·", "**Pilot** · 8", "**Scale-up** ·", "**Production** ·"):
        assert header in shown
    assert metric(at, "Pilots in purgatory") >= 4
    assert metric(at, "Pilot decisions overdue") >= 4
    assert "Pilot purgatory: 320 days in pilot (limit 180)" in shown
    pilot_cards = [as_shown(m.value) for m in at.markdown if m.value.startswith("**UC-")]
    assert pilot_cards.index("**UC-0009** Shelf-gap detection with store cameras") < pilot_cards.index(
        "**UC-0019** Multilingual booking chatbot"
    )  # the flagged pilot comes before the fresh one


def test_the_board_filters(app_for, demo_url):
    at = app_for(demo_url, "pages/board.py")
    at.multiselect(key="b_sector").set_value(["healthcare"]).run()
    cards = {m.value.split("**")[1] for m in at.markdown if m.value.startswith("**UC-")}
    assert cards == {"UC-0005", "UC-0023", "UC-0024", "UC-0025", "UC-0026", "UC-0027"}
    at.multiselect(key="b_quadrant").set_value(["strategic_bet"]).run()
    assert {m.value.split("**")[1] for m in at.markdown if m.value.startswith("**UC-")} == {
        "UC-0005",
        "UC-0024",
    }


def test_cards_offer_only_the_decisions_the_person_may_take(app_for, demo_url):
    at = app_for(demo_url, "pages/board.py")
    assert at.selectbox(key="act_UC-0009").options == ["Decide…", "Pilot review", "Gate decision", "Stop"]
    assert at.selectbox(key="act_UC-0029").options == ["Decide…", "Retire", "Stop"]
    at.session_state["acting_as"] = "tomas.ferreira@meridian.example"  # a contributor, not an approver
    at.run()
    assert not at.exception
    assert "act_UC-0009" not in [s.key for s in at.selectbox]


def test_a_use_case_shows_its_charter_reviews_and_flags(app_for, demo_url):
    at = app_for(demo_url, "pages/use_case.py", uc="UC-0003", tab="Decisions and history")
    assert not at.exception
    shown = texts(at)
    assert "Pilot purgatory: 230 days in pilot (limit 180)" in shown
    assert "**Hypothesis.**" in shown and "Minimum evidence" in shown
    assert next(m.value for m in at.metric if m.label == "Extensions") == "1"


def test_an_administrator_sets_time_limits_and_checklists(app_for, database_url, admin, engine):
    from sqlmodel import Session

    from portfolio.services import gates, pipeline

    at = app_for(database_url, "pages/gates_admin.py")
    assert not at.exception
    pilot_limit = next(n for n in at.number_input if n.key.startswith("limit_pilot_"))
    assert pilot_limit.value == 180
    pilot_limit.set_value(90)
    next(b for b in at.button if b.label == "Save time limits").click().run()
    assert not at.error
    # The field now shows what is stored (and is keyed by it), so it never holds a stale value.
    assert next(n for n in at.number_input if n.key.startswith("limit_pilot_")).value == 90
    with Session(engine) as session:
        assert pipeline.stage_limits(session)[pipeline.Stage.pilot] == 90
        assert [i.key for i in gates.checklist_items(session, "production")][-1] == "runbook"
    next(b for b in at.button if b.label == "Save the Pilot checklist").click().run()
    assert not at.error and not at.exception


def test_an_administrator_adds_a_person_and_changes_roles(app_for, database_url, admin, engine):
    from sqlmodel import Session

    from portfolio.services import people

    at = app_for(database_url, "pages/people.py")
    assert not at.exception
    at.text_input[0].set_value("Nadia Novak")
    at.text_input[1].set_value("nadia@example.org")
    next(b for b in at.button if b.label == "Add person").click().run()
    assert not at.error
    with Session(engine) as session:
        assert people.actor_for(session, "nadia@example.org").roles == {"viewer", "contributor"}
    at.text_input[1].set_value("not an address")
    at.text_input[0].set_value("Broken")
    next(b for b in at.button if b.label == "Add person").click().run()
    assert any("full e-mail address" in as_shown(e.value) for e in at.error)


def test_a_contributor_names_the_monitoring_owner(app_for, database_url, admin, engine):
    from sqlmodel import Session

    from portfolio.services import use_cases
    from tests.services.factories import propose

    key = propose(engine, admin)
    at = app_for(database_url, "pages/use_case.py", uc=key)
    monitoring = next(s for s in at.selectbox if s.label == "Monitoring owner")
    monitoring.set_value(admin.id)
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert use_cases.get_use_case(session, key).monitoring_owner_id == admin.id


def test_a_large_board_shows_a_page_of_cards_per_stage_and_more_on_request(
    app_for, engine, admin, database_url
):
    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 120, measurements=500)
    at = app_for(database_url, "pages/board.py")
    assert not at.exception
    cards = [c for c in at.selectbox if c.key and c.key.startswith("act_")]
    assert 0 < len(cards) <= 5 * 12
    proposed_total = int(
        next(m.value for m in at.markdown if m.value.startswith("**Proposed** ·")).split("·")[1]
    )
    assert proposed_total > 12
    assert f"12 of {proposed_total} shown." in texts(at)
    at.button(key="board_more_proposed").click().run()
    assert f"24 of {proposed_total} shown." in texts(at) or proposed_total <= 24
