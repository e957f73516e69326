"""Issue 9: a gate decision reports every problem at once, under its field; a hold hands the missing items
to the accountable owner; the checklist preview counts a charter only once it is complete."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import InvalidInput
from portfolio.models import GateDecision, UseCase
from portfolio.services import gates
from tests.conftest import counts
from tests.services.test_scoring_gates_results import CHARTER, assessed, decide


def test_every_problem_is_reported_at_once_under_its_field(engine, admin):
    key = assessed(engine, admin, customer_facing=True, ai_disclosure=True, human_path=False)
    before = counts(engine)
    with pytest.raises(InvalidInput) as refused:
        decide(
            engine,
            admin,
            key,
            rationale="",
            charter=CHARTER | {"hypothesis": "", "planned_end_on": CHARTER["start_on"] - timedelta(days=1)},
        )
    problems = refused.value.problems
    assert problems["rationale"] == "Rationale is required."
    assert problems["charter.hypothesis"] == "Hypothesis is required."
    assert "after the start date" in problems["charter.planned_end_on"]
    assert {"override.human_path", "override.trust_kpi"} <= set(problems)
    assert counts(engine) == before


def test_no_decision_chosen_is_a_problem_like_the_others(engine, admin):
    key = assessed(engine, admin)
    with pytest.raises(InvalidInput) as refused:
        decide(engine, admin, key, outcome=None, rationale="")
    assert refused.value.problems == {
        "outcome": "Decision is required.",
        "rationale": "Rationale is required.",
    }


def test_the_preview_counts_a_charter_only_when_it_is_complete(engine, admin):
    key = assessed(engine, admin)

    def charter_met(draft):
        with Session(engine) as session:
            items = gates.preview_checklist(session, key, "pilot", {}, draft)
        return next(r.met for r in items if r.key == "pilot_charter")

    assert charter_met({}) is False
    assert charter_met(CHARTER | {"scope": ""}) is False
    assert charter_met(CHARTER) is True


def test_a_hold_assigns_the_unmet_items_to_the_owner(engine, admin):
    key = assessed(engine, admin, customer_facing=True, ai_disclosure=False, human_path=False)
    decide(engine, admin, key, outcome="hold", charter=None, rationale="Come back with a trust KPI.")
    with Session(engine) as session:
        decision = session.exec(select(GateDecision)).one()
        owner = session.exec(select(UseCase.owner_id)).one()
        assert decision.assigned_to_id == owner
        assert decision.overrides == []
        unmet = {i["key"] for i in decision.checklist if not i["met"]}
        assert {"trust_kpi", "ai_disclosure", "human_path"} <= unmet
    with db.unit_of_work(engine) as session:
        use_case = session.exec(select(UseCase)).one()
        assert use_case.stage == "assessed"
