import pytest

from portfolio.ai_act import QUESTIONS, suggest_tier
from portfolio.models import AiActTier


def test_no_yes_answers_is_minimal_risk():
    assert suggest_tier({}).tier == AiActTier.minimal
    assert suggest_tier({q.key: False for q in QUESTIONS}).tier == AiActTier.minimal


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.key for q in QUESTIONS])
def test_each_question_points_to_its_tier_and_says_why(question):
    suggestion = suggest_tier({question.key: True})
    assert suggestion.tier == question.tier
    assert question.reason in suggestion.reason


def test_the_most_severe_tier_wins_and_lists_all_its_reasons():
    suggestion = suggest_tier({"talks_to_people": True, "employment": True, "essential_services": True})
    assert suggestion.tier == AiActTier.high
    assert "employment" in suggestion.reason and "essential" in suggestion.reason
    assert "Art. 50" not in suggestion.reason
    assert suggest_tier({"employment": True, "social_scoring": True}).tier == AiActTier.prohibited


def test_unknown_questions_are_refused():
    with pytest.raises(ValueError, match="unknown questions"):
        suggest_tier({"is_cool": True})


def test_the_reason_does_not_repeat_the_tier_name():
    for answers in ({}, {"talks_to_people": True}, {"employment": True}):
        suggestion = suggest_tier(answers)
        assert not suggestion.reason.startswith(suggestion.tier.label)
        assert suggestion.reason[0].isupper() and suggestion.reason.endswith(".")
