"""The scoring model's arithmetic: pure functions over plain values.

Each criterion is scored 1-5 against written anchors. A composite is the weighted mean of a dimension's
scores rescaled to 0-100 ((score - 1) / 4 * 100), so 1 everywhere gives 0 and 5 everywhere gives 100."""

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean
from typing import Protocol

from portfolio.models.enums import Dimension

MIN_SCORE, MAX_SCORE = 1, 5
DISAGREEMENT_SPREAD = 25.0  # points on the 0-100 scale between the most and least concerned reviewer
PRIORITY_FORMULA = "priority = impact − 0.5 × risk"


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    name: str
    dimension: Dimension
    weight: float
    anchor_low: str
    anchor_high: str
    description: str = ""


class Quadrant(StrEnum):
    quick_win = "quick_win"
    strategic_bet = "strategic_bet"
    experiment = "experiment"
    avoid = "avoid"

    @property
    def label(self) -> str:
        return {
            "quick_win": "Quick win",
            "strategic_bet": "Strategic bet (pilot with safeguards)",
            "experiment": "Experiment",
            "avoid": "Avoid or rethink",
        }[self.value]


DEFAULT_CRITERIA: tuple[CriterionSpec, ...] = (
    CriterionSpec(
        "customer_value",
        "Customer value",
        Dimension.impact,
        3,
        "Customers would not notice a difference.",
        "Removes a top-3 customer complaint or measurably lifts satisfaction.",
    ),
    CriterionSpec(
        "business_value",
        "Business value",
        Dimension.impact,
        3,
        "Under €50k a year in savings or revenue.",
        "Over €1m a year in savings or revenue, with a credible calculation.",
    ),
    CriterionSpec(
        "strategic_fit",
        "Strategic fit",
        Dimension.impact,
        2,
        "Unrelated to this year's strategic goals.",
        "Directly delivers a named strategic goal of the board.",
    ),
    CriterionSpec(
        "employee_relief",
        "Employee relief",
        Dimension.impact,
        1,
        "No change to anyone's workload.",
        "Removes repetitive work worth several full-time roles, freeing staff for customers.",
    ),
    CriterionSpec(
        "reach",
        "Reach",
        Dimension.impact,
        1,
        "One team or a few hundred customers.",
        "Every customer or every site of the organisation.",
    ),
    CriterionSpec(
        "ai_act_tier",
        "EU AI Act tier",
        Dimension.risk,
        3,
        "Minimal risk: no duties beyond good practice.",
        "High-risk (Annex III or a regulated product): conformity duties apply.",
    ),
    CriterionSpec(
        "data_sensitivity",
        "Data sensitivity",
        Dimension.risk,
        2,
        "No personal data.",
        "Special-category data (health, biometrics) or data about minors.",
    ),
    CriterionSpec(
        "autonomy",
        "Autonomy over decisions about people",
        Dimension.risk,
        2,
        "AI only assists; a person makes every decision.",
        "AI decides about people without a person checking each case.",
    ),
    CriterionSpec(
        "customer_exposure",
        "Customer exposure and reputation",
        Dimension.risk,
        2,
        "Internal only; customers never see the output.",
        "Customers meet the AI directly and a mistake would make the news.",
    ),
    CriterionSpec(
        "bias_potential",
        "Bias potential",
        Dimension.risk,
        2,
        "Outputs cannot differ between groups of people.",
        "Outputs could treat protected groups differently and would be hard to detect.",
    ),
    CriterionSpec(
        "data_readiness_gap",
        "Data readiness gap",
        Dimension.risk,
        1,
        "The data is complete, accurate and current today.",
        "The data needed does not exist yet or is known to be wrong.",
    ),
)


def rescale(score: float) -> float:
    """A 1-5 score on the 0-100 scale."""
    return (score - MIN_SCORE) / (MAX_SCORE - MIN_SCORE) * 100.0


class Weighted(Protocol):
    """A criterion as far as its weight goes: a model's (CriterionSpec) or one being entered."""

    @property
    def key(self) -> str: ...
    @property
    def dimension(self) -> Dimension: ...
    @property
    def weight(self) -> float: ...


def weight_shares(criteria: Sequence[Weighted]) -> dict[str, float]:
    """Each criterion's share of its dimension's total weight, by key: what its weight counts for in the
    composite (weights are relative within impact and within risk)."""
    totals: dict[Dimension, float] = {}
    for c in criteria:
        totals[c.dimension] = totals.get(c.dimension, 0.0) + c.weight
    return {c.key: c.weight / totals[c.dimension] if totals[c.dimension] else 0.0 for c in criteria}


def composite(scores: Mapping[str, int], criteria: Sequence[CriterionSpec], dimension: Dimension) -> float:
    """Weighted mean of one dimension's scores, on 0-100. Every criterion of the dimension must be scored."""
    chosen = [c for c in criteria if c.dimension == dimension]
    if not chosen:
        raise ValueError(f"the scoring model has no {dimension} criteria")
    missing = [c.name for c in chosen if c.key not in scores]
    if missing:
        raise ValueError(f"missing scores for {', '.join(missing)}")
    total_weight = sum(c.weight for c in chosen)
    if total_weight <= 0:
        raise ValueError(f"the {dimension} weights add up to zero")
    return round(sum(rescale(scores[c.key]) * c.weight for c in chosen) / total_weight, 1)


def quadrant(
    impact: float, risk: float, impact_threshold: float = 50.0, risk_threshold: float = 50.0
) -> Quadrant:
    """Thresholds belong to the upper half: impact exactly at the threshold counts as high."""
    high_impact = impact >= impact_threshold
    high_risk = risk >= risk_threshold
    if high_impact:
        return Quadrant.strategic_bet if high_risk else Quadrant.quick_win
    return Quadrant.avoid if high_risk else Quadrant.experiment


def priority(impact: float, risk: float) -> float:
    """Rewards impact and penalises risk; see PRIORITY_FORMULA."""
    return round(impact - 0.5 * risk, 1)


@dataclass(frozen=True)
class Consensus:
    impact: float
    risk: float
    spread: float  # the larger of the impact and risk ranges across reviewers
    reviewers: int

    @property
    def disagreement(self) -> bool:
        return self.reviewers > 1 and self.spread >= DISAGREEMENT_SPREAD


def consensus(latest_per_reviewer: Sequence[tuple[float, float]]) -> Consensus | None:
    """Mean of each reviewer's latest (impact, risk) composites, and how far apart they are."""
    if not latest_per_reviewer:
        return None
    impacts = [i for i, _ in latest_per_reviewer]
    risks = [r for _, r in latest_per_reviewer]
    spread = max(max(impacts) - min(impacts), max(risks) - min(risks))
    return Consensus(
        round(fmean(impacts), 1), round(fmean(risks), 1), round(spread, 1), len(latest_per_reviewer)
    )


def criterion_key(name: str, taken: Collection[str] = ()) -> str:
    """The short id a new criterion gets from its name ("Carbon footprint" → "carbon_footprint"), for exports
    and the audit trail: lower case, digits and _, starting with a letter, not one of `taken` (a number is added
    when it would be)."""
    words = re.sub(
        r"[^a-z0-9]+", "_", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    )
    base = words.strip("_")[:40].rstrip("_") or "criterion"
    if not base[0].isalpha():
        base = f"criterion_{base}"[:40]
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key
