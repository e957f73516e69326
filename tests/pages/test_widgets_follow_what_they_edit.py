"""Widgets that edit something are keyed by what they edit (and its version), and a page whose address names
a use case opens that use case (AppTest)."""

from portfolio import db
from portfolio.services import assessments, results, use_cases
from tests.services.factories import propose, score_all


def sliders_of(at, key: str) -> dict[str, int]:
    """The Score form's sliders for use case `key`, by criterion."""
    return {
        s.key.split("_", 4)[4]: s.value  # s_<use case>_m<model version>_r<own scores>_<criterion>
        for s in at.slider
        if s.key and s.key.startswith(f"s_{key}_")
    }


def two_use_cases_one_scored(engine, admin) -> tuple[str, str]:
    first = propose(engine, admin, title="Invoice matching for suppliers")
    second = propose(engine, admin, title="Rota planning for the kitchens")
    with db.unit_of_work(engine) as session:
        assessments.record_assessment(
            session, admin, second, score_all(4), comments={"reach": "Every kitchen"}, expected_version=1
        )
    return first, second


def test_score_shows_the_other_use_case_s_values_after_switching(app_for, database_url, engine, admin):
    first, second = two_use_cases_one_scored(engine, admin)
    at = app_for(database_url, "pages/score.py")
    at.selectbox(key="score_uc").set_value(first).run()
    assert set(sliders_of(at, first).values()) == {3}  # not scored yet: the middle of the scale
    for slider in at.slider:
        slider.set_value(1)  # the reviewer starts on the first use case, without saving
    at.run()
    at.selectbox(key="score_uc").set_value(second).run()
    assert not at.exception
    assert sliders_of(at, first) == {}
    assert set(sliders_of(at, second).values()) == {4}  # the second's recorded scores, nothing carried over
    assert any(t.value == "Every kitchen" for t in at.text_input)


def test_a_link_to_another_use_case_opens_it_on_the_same_page(app_for, database_url, engine, admin):
    """The Score page's "waiting for your scores" list links to the Score page itself: opening the second use
    case from there, after the first, shows the second, not the first again."""
    first, second = two_use_cases_one_scored(engine, admin)
    at = app_for(database_url, "pages/score.py")
    at.selectbox(key="score_uc").set_value(first).run()
    assert at.query_params["uc"] == first
    at.query_params["uc"] = second  # what following a link (or the browser's back button) does
    at.run()
    assert at.selectbox(key="score_uc").value == second
    assert set(sliders_of(at, second).values()) == {4}
    assert at.query_params["uc"] == second
    # Choosing in the selector still works, and the address follows it.
    at.selectbox(key="score_uc").set_value(first).run()
    assert at.query_params["uc"] == first and set(sliders_of(at, first).values()) == {3}


def test_saved_scores_show_in_a_form_keyed_by_what_was_saved(app_for, database_url, engine, admin):
    first, _second = two_use_cases_one_scored(engine, admin)
    at = app_for(database_url, "pages/score.py")
    at.selectbox(key="score_uc").set_value(first).run()
    old_keys = set(sliders_of(at, first))
    old_form = {s.key for s in at.slider}
    for slider in at.slider:
        slider.set_value(2)
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert not at.exception and not at.error
    at.selectbox(key="score_uc").set_value(first).run()
    assert not old_form & {s.key for s in at.slider}
    assert sliders_of(at, first).keys() == old_keys and set(sliders_of(at, first).values()) == {2}


def test_another_reviewer_saving_meanwhile_does_not_lose_what_is_being_entered(
    app_for, database_url, engine, admin
):
    from sqlmodel import Session, select

    from portfolio.models import Assessment
    from portfolio.services import people

    first, _second = two_use_cases_one_scored(engine, admin)
    at = app_for(database_url, "pages/score.py")
    at.selectbox(key="score_uc").set_value(first).run()
    for slider in at.slider:
        slider.set_value(2)
    with db.unit_of_work(engine) as session:
        rita = people.create_person(
            session, admin, name="Rita Reviewer", email="rita@example.org", roles=["reviewer"]
        )
        other = people.actor_for(session, rita.email)
        assessments.record_assessment(session, other, first, score_all(4), expected_version=1)
    next(b for b in at.button if b.label == "Save my scores").click().run()
    assert not at.exception and not at.error
    with Session(engine) as session:
        mine = session.exec(select(Assessment).where(Assessment.reviewer_id == admin.id)).all()
        assert len(mine) == 2  # the second use case's, and the one just entered on the first


def test_the_use_case_and_log_results_pages_open_the_use_case_a_link_names(
    app_for, database_url, engine, admin
):
    first, second = two_use_cases_one_scored(engine, admin)
    with db.unit_of_work(engine) as session:
        for key in (first, second):
            results.define_kpi(
                session, admin, key, name=f"KPI of {key}", kind="business", unit="%", direction="higher"
            )
    for page, widget in (("pages/use_case.py", "uc"), ("pages/results.py", "results_uc")):
        at = app_for(database_url, page)
        at.selectbox(key=widget).set_value(first).run()
        at.query_params["uc"] = second
        at.run()
        assert not at.exception
        assert at.selectbox(key=widget).value == second, page


def test_an_out_of_date_edit_is_refused_with_what_changed_and_keeps_the_input(
    app_for, database_url, engine, admin
):
    """Issue #8, defect 10: someone else saved the use case while this form was open."""
    from sqlmodel import Session

    from tests.pages.shown import as_shown

    key = propose(engine, admin)
    at = app_for(database_url, "pages/use_case.py", uc=key)
    next(t for t in at.text_input if t.label == "Title *").set_value("My new title")
    with db.unit_of_work(engine) as session:
        use_cases.update_use_case(session, admin, key, expected_version=1, team="Claims handling")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    refusal = " ".join(as_shown(e.value) for e in at.error)
    assert "changed Team" in refusal and "not saved" in refusal, refusal  # who changed what, meanwhile
    assert next(t for t in at.text_input if t.label == "Title *").value == "My new title"  # the input stays
    with Session(engine) as session:
        assert use_cases.get_use_case(session, key).title == "Customer-service assistant"
    next(b for b in at.button if b.label == "Discard my entries and load the latest").click().run()
    assert next(t for t in at.text_input if t.label == "Team *").value == "Claims handling"
    next(t for t in at.text_input if t.label == "Title *").set_value("My new title")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.error
    with Session(engine) as session:
        saved = use_cases.get_use_case(session, key)
        assert (saved.title, saved.team) == ("My new title", "Claims handling")
    # After saving, the form shows the record as stored, keyed by its new version.
    assert next(t for t in at.text_input if t.label == "Title *").value == "My new title"
    assert any(t.key and t.key.startswith(f"edit_{key}_v{saved.version}_") for t in at.text_input)


def test_a_decision_dialog_opened_after_someone_else_s_change_starts_from_what_is_stored(
    app_for, database_url, engine, admin
):
    """The board's decision dialogs are keyed by the use case and the version the card showed: what was typed
    into a dialog before someone else changed the use case is not carried into the dialog opened after."""
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        assessments.record_assessment(session, admin, key, score_all(4), expected_version=1)
        use_cases.move_stage(session, admin, key, "assessed", reason="")
    version = 3  # proposed, scored (the consensus is kept on the row), moved to assessed
    with db.unit_of_work(engine) as session:
        assert use_cases.get_use_case(session, key).version == version
    at = app_for(database_url, "pages/board.py")
    at.selectbox(key=f"act_{key}").select("Gate decision").run()
    assert not at.exception
    rationale = next(t for t in at.text_area if t.label == "Rationale *")
    assert rationale.key == f"rationale_{key}_v{version}"
    rationale.set_value("Strong case, small risk")
    at.run()
    at.selectbox(key=f"act_{key}").select("Reject").run()
    reason = next(t for t in at.text_area if t.label.startswith("Reason"))
    assert reason.key == f"move_reason_{key}_v{version}_rejected"
    reason.set_value("Too costly")
    at.run()

    with db.unit_of_work(engine) as session:
        use_cases.update_use_case(session, admin, key, expected_version=version, team="Claims handling")
    at.run()  # the board shows the card as it is now
    for action, label, typed in (
        ("Gate decision", "Rationale *", "Strong case"),
        ("Reject", "Reason", "Too"),
    ):
        at.selectbox(key=f"act_{key}").select(action).run()
        assert not at.exception
        field = next(t for t in at.text_area if t.label.startswith(label))
        assert f"_{key}_v{version + 1}" in field.key, field.key
        assert typed not in (field.value or ""), (action, field.value)
