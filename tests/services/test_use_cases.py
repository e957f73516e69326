"""Proposing, editing and moving use cases through the service layer."""

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import Conflict, InvalidInput, NotAllowed, RuleViolation
from portfolio.models import AuditEvent, StageChange, UseCase
from portfolio.services import people, use_cases
from portfolio.services.use_cases import PortfolioFilter
from tests.conftest import counts
from tests.services.factories import propose


def test_proposing_writes_the_use_case_its_first_stage_and_an_audit_event(engine, admin):
    key = propose(engine, admin)
    assert key == "UC-0001"
    with Session(engine) as session:
        use_case = session.exec(select(UseCase)).one()
        assert (use_case.stage, use_case.version, use_case.source) == ("proposed", 1, "manual")
        change = session.exec(select(StageChange)).one()
        assert (change.from_stage, change.to_stage) == (None, "proposed")
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "use_case.proposed")).one()
        assert (
            event.actor_name == "Test Administrator" and event.after["title"] == "Customer-service assistant"
        )
    assert propose(engine, admin) == "UC-0002"


BAD_INPUT = [
    ({"title": ""}, "title", "Title is required."),
    ({"title": "x" * 100_000}, "title", "keep it to 200 characters (it has 100,000)"),
    ({"problem": "p" * 100_000}, "problem", "keep it to 5,000 characters"),
    ({"title": "Chatbot \ud83d broken"}, "title", "broken characters"),
    ({"title": "Chat\x00bot"}, "title", "null character"),
    ({"sector": "space tourism"}, "sector", "choose one of"),
    ({"ai_kind": "magic"}, "ai_kind", "choose one of"),
    ({"data_accuracy": 0}, "data_accuracy", "at least 1"),
    ({"data_currency": 6}, "data_currency", "at most 5"),
    ({"data_completeness": "good"}, "data_completeness", "whole number"),
    ({"owner_id": None}, "owner_id", "Accountable owner"),
    ({"owner_id": 987654}, "owner_id", "registered person"),
    ({"ai_act_tier": "medium"}, "ai_act_tier", "choose one of"),
    ({"ai_act_tier": "high", "ai_act_reason": ""}, "ai_act_reason", "Reason for the tier is required"),
    ({"stage": "pilot"}, "stage", "not a field here"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(
    engine, admin, overrides, field, message
):
    before = counts(engine)
    with pytest.raises(InvalidInput) as error, db.unit_of_work(engine) as session:
        use_cases.propose_use_case(session, admin, **propose.fields(admin, **overrides))
    assert message in error.value.problems[field]
    assert counts(engine) == before


def test_a_duplicate_key_is_refused(engine, admin):
    propose(engine, admin)
    before = counts(engine)
    with pytest.raises(Conflict, match="UC-0001 is already used"), db.unit_of_work(engine) as session:
        use_cases.propose_use_case(session, admin, key="uc-0001", **propose.fields(admin))
    assert counts(engine) == before


def test_a_viewer_cannot_propose(engine, admin):
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Vera Viewer", email="vera@example.org", roles=["viewer"])
        viewer = people.actor_for(session, "vera@example.org")
    with pytest.raises(NotAllowed, match="contributor role"), db.unit_of_work(engine) as session:
        use_cases.propose_use_case(session, viewer, **propose.fields(admin))


def test_editing_checks_the_version_the_editor_saw(engine, admin):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        updated = use_cases.update_use_case(
            session, admin, key, expected_version=1, title="Assistant for simple questions"
        )
        assert updated.version == 2
    before = counts(engine)
    with pytest.raises(Conflict, match="changed by someone else"), db.unit_of_work(engine) as session:
        use_cases.update_use_case(session, admin, key, expected_version=1, title="A stale edit")
    assert counts(engine) == before
    with Session(engine) as session:
        assert use_cases.get_use_case(session, key).title == "Assistant for simple questions"
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "use_case.updated")).one()
        assert event.before == {"title": "Customer-service assistant"}
        assert event.after == {"title": "Assistant for simple questions"}


def test_editing_validates_like_proposing(engine, admin):
    key = propose(engine, admin)
    with pytest.raises(InvalidInput, match="Title is required"), db.unit_of_work(engine) as session:
        use_cases.update_use_case(session, admin, key, expected_version=1, title="  ")
    with pytest.raises(InvalidInput, match="cannot be edited"), db.unit_of_work(engine) as session:
        use_cases.update_use_case(session, admin, key, expected_version=1, stage="production")


@pytest.mark.parametrize(
    ("target", "error", "message"),
    [
        ("pilot", RuleViolation, "not skipped"),
        ("assessed", RuleViolation, "no scores yet"),
        ("launched", RuleViolation, "Unknown stage"),
        ("stopped", RuleViolation, "reject it instead"),
        ("rejected", InvalidInput, "Write why"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(engine, admin, target, error, message):
    key = propose(engine, admin)
    before = counts(engine)
    with pytest.raises(error, match=message), db.unit_of_work(engine) as session:
        use_cases.move_stage(session, admin, key, target)
    assert counts(engine) == before


def test_rejecting_with_a_reason_records_the_change(engine, admin):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        use_cases.move_stage(session, admin, key, "rejected", reason="Duplicates UC-0007.")
    with Session(engine) as session:
        detail = use_cases.use_case_detail(session, key)
    assert detail.use_case["stage"] == "rejected"
    assert detail.timeline["reason"].tolist() == ["Proposed", "Duplicates UC-0007."]


def test_portfolio_table_searches_and_filters(engine, admin):
    propose(engine, admin)
    propose(
        engine,
        admin,
        title="Fresh-produce forecasting",
        sector="retail",
        team="Stores",
        customer_facing=False,
    )
    with Session(engine) as session:
        assert len(use_cases.portfolio_table(session)) == 2
        found = use_cases.portfolio_table(session, PortfolioFilter(search="PRODUCE"))
        assert found["title"].tolist() == ["Fresh-produce forecasting"]
        assert use_cases.portfolio_table(session, PortfolioFilter(sectors=("services",)))["key"].tolist() == [
            "UC-0001"
        ]
        assert (
            use_cases.portfolio_table(session, PortfolioFilter(search="Test Admin"))["owner"].nunique() == 1
        )
        assert use_cases.portfolio_table(session, PortfolioFilter(stages=("pilot",))).empty
