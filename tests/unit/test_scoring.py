from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio import scoring
from portfolio.models import Dimension
from portfolio.scoring import DEFAULT_CRITERIA, Quadrant, composite, consensus, priority, quadrant, rescale

IMPACT = [c for c in DEFAULT_CRITERIA if c.dimension == Dimension.impact]
RISK = [c for c in DEFAULT_CRITERIA if c.dimension == Dimension.risk]


def all_scores(value: int) -> dict[str, int]:
    return {c.key: value for c in DEFAULT_CRITERIA}


def test_defaults_hold_the_named_criteria():
    assert [c.key for c in IMPACT] == [
        "customer_value",
        "business_value",
        "strategic_fit",
        "employee_relief",
        "reach",
    ]
    assert [c.key for c in RISK] == [
        "ai_act_tier",
        "data_sensitivity",
        "autonomy",
        "customer_exposure",
        "bias_potential",
        "data_readiness_gap",
    ]
    assert all(c.anchor_low and c.anchor_high for c in DEFAULT_CRITERIA)


@pytest.mark.parametrize(("score", "scaled"), [(1, 0.0), (2, 25.0), (3, 50.0), (4, 75.0), (5, 100.0)])
def test_rescale_maps_1_to_5_onto_0_to_100(score, scaled):
    assert rescale(score) == scaled


def test_composite_is_the_weighted_mean():
    # customer_value (weight 3) at 5, everything else of impact at 1: 100 * 3 / (3+3+2+1+1) = 30
    scores = all_scores(1) | {"customer_value": 5}
    assert composite(scores, DEFAULT_CRITERIA, Dimension.impact) == 30.0
    assert composite(scores, DEFAULT_CRITERIA, Dimension.risk) == 0.0


def test_composite_needs_every_criterion():
    scores = all_scores(3)
    del scores["reach"]
    with pytest.raises(ValueError, match="Reach"):
        composite(scores, DEFAULT_CRITERIA, Dimension.impact)


@given(st.lists(st.integers(1, 5), min_size=len(DEFAULT_CRITERIA), max_size=len(DEFAULT_CRITERIA)))
def test_composite_stays_within_0_and_100(values):
    scores = {c.key: v for c, v in zip(DEFAULT_CRITERIA, values, strict=True)}
    for dimension in Dimension:
        assert 0 <= composite(scores, DEFAULT_CRITERIA, dimension) <= 100


@given(st.integers(1, 4), st.sampled_from([c.key for c in IMPACT]))
def test_raising_one_score_never_lowers_the_composite(value, key):
    low = all_scores(value)
    high = low | {key: value + 1}
    assert composite(high, DEFAULT_CRITERIA, Dimension.impact) > composite(
        low, DEFAULT_CRITERIA, Dimension.impact
    )


@pytest.mark.parametrize(
    ("impact", "risk", "expected"),
    [
        (50, 49.9, Quadrant.quick_win),  # the threshold itself counts as high
        (50, 50, Quadrant.strategic_bet),
        (49.9, 49.9, Quadrant.experiment),
        (49.9, 50, Quadrant.avoid),
        (100, 0, Quadrant.quick_win),
        (0, 100, Quadrant.avoid),
    ],
)
def test_quadrant_boundaries(impact, risk, expected):
    assert quadrant(impact, risk) == expected


def test_quadrant_uses_the_given_thresholds():
    assert quadrant(60, 60, impact_threshold=70, risk_threshold=70) == Quadrant.experiment


def test_priority_rewards_impact_and_penalises_risk():
    assert priority(80, 20) == 70.0
    assert priority(80, 40) < priority(80, 20)
    assert priority(90, 20) > priority(80, 20)
    assert "impact" in scoring.PRIORITY_FORMULA and "risk" in scoring.PRIORITY_FORMULA


def test_consensus_averages_reviewers_and_flags_disagreement():
    assert consensus([]) is None
    single = consensus([(80, 20)])
    assert (single.impact, single.risk, single.reviewers, single.disagreement) == (80, 20, 1, False)
    close = consensus([(70, 30), (80, 40)])
    assert (close.impact, close.risk, close.spread, close.disagreement) == (75, 35, 10, False)
    far = consensus([(30, 30), (80, 35)])
    assert far.spread == 50 and far.disagreement


def test_a_weight_counts_as_its_share_of_its_dimension():
    shares = scoring.weight_shares(DEFAULT_CRITERIA)
    assert shares["customer_value"] == pytest.approx(3 / 10)  # impact weights 3+3+2+1+1
    for dimension in (IMPACT, RISK):
        assert sum(shares[c.key] for c in dimension) == pytest.approx(1.0)
    doubled = [replace(c, weight=2 * c.weight) for c in DEFAULT_CRITERIA]
    assert scoring.weight_shares(doubled) == pytest.approx(shares)  # relative: only the ratios count
