import itertools

import pytest

from portfolio.errors import RuleViolation
from portfolio.lifecycle import Requirement, may_enter_pilot, plan_move
from portfolio.models import AiActTier, Gate, Stage

ALLOWED = {
    (Stage.proposed, Stage.assessed): Requirement.scored,
    (Stage.proposed, Stage.rejected): Requirement.reason,
    (Stage.assessed, Stage.pilot): Requirement.gate_go,
    (Stage.assessed, Stage.proposed): Requirement.reason,
    (Stage.assessed, Stage.rejected): Requirement.reason,
    (Stage.pilot, Stage.scale_up): Requirement.gate_go,
    (Stage.pilot, Stage.assessed): Requirement.reason,
    (Stage.pilot, Stage.stopped): Requirement.lesson,
    (Stage.scale_up, Stage.production): Requirement.gate_go,
    (Stage.scale_up, Stage.pilot): Requirement.reason,
    (Stage.scale_up, Stage.stopped): Requirement.lesson,
    (Stage.production, Stage.retired): Requirement.nothing,
    (Stage.production, Stage.scale_up): Requirement.reason,
    (Stage.production, Stage.stopped): Requirement.lesson,
}


@pytest.mark.parametrize(("source", "target"), list(itertools.product(Stage, Stage)))
def test_every_move_is_allowed_or_refused_with_a_reason(source, target):
    if (source, target) in ALLOWED:
        move = plan_move(source, target)
        assert move.requirement == ALLOWED[(source, target)]
    else:
        with pytest.raises(RuleViolation) as refused:
            plan_move(source, target)
        assert str(refused.value)


def test_gates_guard_pilot_scale_up_and_production():
    assert plan_move("assessed", "pilot").gate == Gate.pilot
    assert plan_move("pilot", "scale_up").gate == Gate.scale_up
    assert plan_move("scale_up", "production").gate == Gate.production


def test_skipping_a_stage_names_the_next_one():
    with pytest.raises(RuleViolation, match=r"not skipped.*Assessed"):
        plan_move("proposed", "pilot")


def test_unknown_stage_is_refused_with_the_choices():
    with pytest.raises(RuleViolation, match="Unknown stage"):
        plan_move("proposed", "launched")


def test_prohibited_practices_never_enter_a_pilot():
    assert not may_enter_pilot(AiActTier.prohibited)
    assert all(may_enter_pilot(t) for t in (AiActTier.high, AiActTier.limited, AiActTier.minimal, None))
