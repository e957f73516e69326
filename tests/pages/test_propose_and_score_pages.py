"""Propose, score, the matrix and the scoring model, as a user works them (AppTest)."""

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.models import Assessment, ScoringModel, UseCase
from portfolio.services import people
from tests.pages.test_portfolio_pages import texts


def fill_proposal(at, **overrides):
    values = {
        "title": "Answer simple customer questions automatically",
        "problem": "Customers wait six minutes for answers to simple questions.",
        "team": "Customer service",
    }
    values |= overrides
    for name in ("title", "problem", "team"):
        widget = (
            at.text_area(key=f"draft_{name}") if name == "problem" else at.text_input(key=f"draft_{name}")
        )
        widget.set_value(values[name])
    at.selectbox(key="draft_sector").set_value("services")
    at.selectbox(key="draft_ai_kind").set_value("generative")
    at.radio(key="draft_audience").set_value("customers")
    at.checkbox(key="draft_q_talks_to_people").check()
    return at.run()


def test_proposing_a_use_case(app_for, database_url, admin, engine):
    at = app_for(database_url, "pages/propose.py")
    assert not at.exception
    fill_proposal(at)
    assert any("Suggested tier: **Limited risk**" in i.value for i in at.info)
    at.button(key="propose").click().run()
    assert not at.exception
    with Session(engine) as session:
        created = session.exec(select(UseCase)).one()
    assert (created.title, created.ai_act_tier, created.owner_id) == (
        "Answer simple customer questions automatically",
        "limited",
        admin.id,
    )
    assert "Art. 50" in created.ai_act_reason


def test_a_validation_error_keeps_the_draft(app_for, database_url, admin, engine):
    at = app_for(database_url, "pages/propose.py")
    fill_proposal(at, team=" ")
    at.button(key="propose").click().run()
    assert [m.value for m in at.markdown if m.value.startswith(":red[")] == [
        ":red[:material/error: Team is required\\.]"
    ]
    assert any("Please fix this problem (each is also marked at its field)" in e.value for e in at.error)
    assert at.text_input(key="draft_title").value == "Answer simple customer questions automatically"
    with Session(engine) as session:
        assert session.exec(select(UseCase)).first() is None


def test_likely_duplicates_are_shown_before_saving(app_for, demo_url):
    at = app_for(demo_url, "pages/propose.py")
    at.text_input(key="draft_title").set_value("Voice assistant in hotel rooms").run()
    assert any("looks like a use case already in the portfolio" in w.value for w in at.warning)
    assert at.button(key="propose").disabled
    choice = next(c for c in at.checkbox if "is a different idea from UC\\-0003" in c.label)
    assert "Proposing waits for this answer" in " ".join(c.value for c in at.caption)
    choice.check().run()
    assert not at.button(key="propose").disabled


def test_an_unrelated_proposal_is_not_held_back(app_for, demo_url):
    at = app_for(demo_url, "pages/propose.py")
    at.text_input(key="draft_title").set_value("Restaurant booking chat assistant")
    at.text_area(key="draft_problem").set_value(
        "Guests want to book a table in our restaurants by chat; staff miss bookings during service."
    ).run()
    assert not any("looks like a use case" in w.value for w in at.warning)
    assert not at.button(key="propose").disabled


def test_every_problem_is_shown_at_once_beside_its_field(app_for, database_url, admin):
    at = app_for(database_url, "pages/propose.py")
    assert at.radio(key="draft_audience").value is None  # who it serves is asked, not assumed
    at.button(key="propose").click().run()
    marked = [m.value for m in at.markdown if m.value.startswith(":red[")]
    for message in ("Title is required", "Team is required", "Sector is required", "Serves is required"):
        assert any(message in m for m in marked), message
    assert any("problems (each is also marked at its field)" in e.value for e in at.error)


def test_the_tier_reason_follows_the_answers_without_repeating_the_tier(app_for, demo_url):
    at = app_for(demo_url, "pages/propose.py")
    reason = next(t for t in at.text_area if t.label == "Reason for the tier *")
    assert reason.value.startswith("No prohibited practice")
    at.checkbox(key="draft_q_talks_to_people").check().run()
    reason = next(t for t in at.text_area if t.label == "Reason for the tier *")
    assert reason.value.startswith("From the answers:") and "Limited risk" not in reason.value


def test_a_prohibited_tier_is_flagged(app_for, demo_url):
    at = app_for(demo_url, "pages/propose.py")
    at.checkbox(key="draft_q_social_scoring").check().run()
    assert any("never enter a pilot" in e.value for e in at.error)


def test_two_reviewers_score_and_disagreement_shows(app_for, database_url, admin, engine):
    from tests.services.factories import propose

    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        people.create_person(
            session, admin, name="Rita Reviewer", email="rita@example.org", roles=["reviewer"]
        )
    at = app_for(database_url, "pages/score.py")
    assert not at.exception
    for slider in at.slider:
        slider.set_value(4)
    at.button[0].click().run()  # the form's submit
    assert not at.exception and not at.error
    at.session_state["acting_as"] = "rita@example.org"
    at.run()
    for slider in at.slider:
        slider.set_value(2)
    at.button[0].click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        assert len(session.exec(select(Assessment)).all()) == 2
        use_case = session.exec(select(UseCase).where(UseCase.key == key)).one()
        assert (use_case.impact_score, use_case.reviewer_count, use_case.score_spread) == (50, 2, 50)
    assert "reviewers disagree" in texts(at)


def test_an_extreme_score_without_a_comment_is_refused(app_for, database_url, admin, engine):
    from tests.services.factories import propose

    key = propose(engine, admin)
    at = app_for(database_url, "pages/score.py")
    next(s for s in at.slider if s.key.startswith(f"s_{key}_m1_") and s.key.endswith("_reach")).set_value(5)
    at.button[0].click().run()
    assert any("explain a score of 5" in e.value for e in at.error)
    with Session(engine) as session:
        assert session.exec(select(Assessment)).first() is None


def test_the_matrix_and_backlog(app_for, demo_url):
    at = app_for(demo_url, "pages/matrix.py")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    backlog = at.dataframe[0].value
    assert backlog["priority"].is_monotonic_decreasing
    assert set(backlog["stage"]) <= {"Proposed", "Assessed"}
    assert "priority = impact − 0.5 × risk" in texts(at)
    at.multiselect(key="m_sector").set_value(["healthcare"]).run()
    assert set(at.dataframe[0].value["key"]) == {"UC-0024", "UC-0026"}


def test_the_backlog_pages_through_a_large_portfolio(app_for, database_url, engine, monkeypatch):
    from portfolio.demo.scale import generate_scale_portfolio
    from portfolio.services.assessments import matrix

    generate_scale_portfolio(engine, 120, measurements=500)
    monkeypatch.setattr(matrix, "BACKLOG_PER_PAGE", 5)
    at = app_for(database_url, "pages/matrix.py")
    assert not at.exception
    first_page = at.dataframe[0].value["key"].tolist()
    lowest_first = at.dataframe[0].value["priority"].min()
    assert len(first_page) == 5
    caption = next(c.value for c in at.caption if " waiting" in c.value)
    assert caption.startswith("1–5 of ")
    pager = at.number_input[0]
    assert pager.label.startswith("Page (of ")
    pager.set_value(2).run()
    assert not at.exception
    second_page = at.dataframe[0].value["key"].tolist()
    assert len(second_page) == 5 and not set(second_page) & set(first_page)
    assert any(c.value.startswith("6–10 of ") for c in at.caption)
    assert at.dataframe[0].value["priority"].max() <= lowest_first  # highest priority first, across pages


def test_an_administrator_saves_a_new_model_version(app_for, database_url, admin, engine):
    at = app_for(database_url, "pages/scoring_model.py")
    assert not at.exception
    assert "version 1" in texts(at)
    weights = next(d.value for d in at.dataframe if "share" in d.value.columns)
    assert weights.groupby("dimension")["share"].sum().to_dict() == pytest.approx(
        {"Impact": 1.0, "Risk": 1.0}
    )
    at.number_input[0].set_value(60.0)
    at.button[0].click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        active = session.exec(select(ScoringModel).where(ScoringModel.is_active)).one()
        assert (active.version_number, active.impact_threshold) == (2, 60.0)


def test_a_person_without_the_role_never_reaches_the_page(app_for, database_url, admin, engine):
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Vic Viewer", email="vic@example.org", roles=["viewer"])
    at = app_for(database_url, "pages/propose.py")
    assert at.title[0].value == "Propose a use case"
    at.session_state["acting_as"] = "vic@example.org"
    at.run()
    assert "Propose a use case" not in [t.value for t in at.title]


def test_a_role_withdrawn_while_the_page_is_open_is_enforced_on_save(app_for, database_url, admin, engine):
    """Roles are read afresh on every interaction: the click lands on a page the person may no longer use, and
    nothing is stored (the services would refuse it too; see tests/services)."""
    with db.unit_of_work(engine) as session:
        cody = people.create_person(
            session, admin, name="Cody Contributor", email="cody@example.org", roles=["contributor"]
        )
    at = app_for(database_url, "pages/propose.py")
    at.session_state["acting_as"] = "cody@example.org"
    fill_proposal(at.run())
    with db.unit_of_work(engine) as session:
        people.set_roles(session, admin, cody.id, ["viewer"])
    at.button(key="propose").click().run()
    assert "Propose a use case" not in [t.value for t in at.title]
    with Session(engine) as session:
        assert session.exec(select(UseCase)).first() is None


def test_the_duplicate_check_reads_the_portfolio_only_once_there_are_words(
    app_for, database_url, engine, monkeypatch
):
    from portfolio import similarity
    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 120, measurements=500)
    with Session(engine) as session:
        existing = session.exec(select(UseCase).where(UseCase.key == "UC-0077")).one()
    built = []
    real = similarity.build_index
    monkeypatch.setattr(similarity, "build_index", lambda rows: built.append(1) or real(rows))
    at = app_for(database_url, "pages/propose.py")
    assert not at.exception and built == []  # an empty form compares nothing
    at.text_input(key="draft_title").set_value(existing.title).run()
    assert built == [1]
    assert any("looks like a use case already in the portfolio" in w.value for w in at.warning)
    offered = [c.label for c in at.checkbox if "is a different idea from" in c.label]
    assert offered and all(existing.title in label.replace("\\", "") for label in offered), offered
    at.text_area(key="draft_problem").set_value(existing.problem).run()
    assert built == [1] and not at.exception  # kept for the revision: the next rerun compares at once


def test_the_score_page_finds_open_use_cases_instead_of_listing_them(app_for, database_url, engine):
    from sqlalchemy import text

    from portfolio.demo.scale import generate_scale_portfolio

    generate_scale_portfolio(engine, 120, measurements=500)
    with engine.connect() as connection:
        closed = (
            connection.execute(
                text(
                    "SELECT key FROM use_case WHERE stage IN ('retired', 'rejected', 'stopped') ORDER BY key"
                )
            )
            .scalars()
            .all()
        )
        open_key = connection.execute(
            text("SELECT key FROM use_case WHERE stage = 'pilot' ORDER BY key DESC LIMIT 1")
        ).scalar_one()
    at = app_for(database_url, "pages/score.py")
    assert not at.exception
    menu = at.selectbox(key="score_uc")
    # The first 50 by key, and the first use case waiting for this reviewer, which opens.
    assert len(menu.options) <= 51 and menu.value in [o.split(" · ")[0] for o in menu.options]
    assert not {o.split(" · ")[0] for o in menu.options} & set(closed)
    at.text_input(key="score_uc_search").set_value(closed[0].lower()).run()
    assert any("No use case has" in c.value for c in at.caption)  # a closed one is not offered for scoring
    at.text_input(key="score_uc_search").set_value(open_key.lower()).run()
    at.selectbox(key="score_uc").set_value(open_key).run()
    assert not at.exception
    assert at.query_params["uc"] in (open_key, [open_key])
    assert any(s.key.startswith(f"s_{open_key}_m1_") for s in at.slider)  # the form edits the chosen one
