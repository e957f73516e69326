"""Generated assessments: each reviewer's scores around the demo case's, and the use case's kept consensus of
its reviewers' latest assessments, as the scoring service keeps it."""

from datetime import date, timedelta
from typing import Any

from portfolio import scoring
from portfolio.demo.scale_writer import Rows, ScaleWriter, at
from portfolio.models import Dimension
from portfolio.services.assessments import ActiveModel


def add_assessments(
    writer: ScaleWriter,
    model: ActiveModel,
    use_case_id: int,
    case: dict[str, Any],
    proposed: date,
    reviewer_ids: list[int],
    rows: Rows,
) -> None:
    """One assessment per reviewer, a few days after the use case was proposed; the use case row (the last
    one added) takes their consensus."""
    latest = []
    for offset, reviewer in enumerate(reviewer_ids):
        scores = {}
        for spec, base in zip(
            [c for c in model.criteria if c.dimension == Dimension.impact], case["impact"], strict=False
        ):
            scores[spec.key] = min(5, max(1, base + writer.rng.choice((-1, 0, 0, 1))))
        for spec, base in zip(
            [c for c in model.criteria if c.dimension == Dimension.risk], case["risk"], strict=False
        ):
            scores[spec.key] = min(5, max(1, base + writer.rng.choice((-1, 0, 0, 1))))
        for spec in model.criteria:
            scores.setdefault(spec.key, 3)
        impact = scoring.composite(scores, model.criteria, Dimension.impact)
        risk = scoring.composite(scores, model.criteria, Dimension.risk)
        assessment_id = writer.take_id("assessment")
        rows["assessment"].append(
            {
                "id": assessment_id,
                "use_case_id": use_case_id,
                "reviewer_id": reviewer,
                "scoring_model_id": model.id,
                "impact_score": impact,
                "risk_score": risk,
                "comment": "Scored against the anchors.",
                "assessed_at": at(proposed + timedelta(days=3 + offset)),
            }
        )
        rows["assessment_score"].extend(
            {
                "assessment_id": assessment_id,
                "criterion_id": model.criterion_ids[key],
                "score": value,
                "comment": "Scored against the anchor." if value in (1, 5) else "",
            }
            for key, value in scores.items()
        )
        latest.append((impact, risk))
    consensus = scoring.consensus(latest)
    if consensus:
        row = rows["use_case"][-1]
        row.update(
            impact_score=consensus.impact,
            risk_score=consensus.risk,
            score_spread=consensus.spread,
            reviewer_count=consensus.reviewers,
        )
