"""Assessments: the versioned scoring model (`scoring_model`), reviewers' assessments and the consensus kept
on each use case (`recording`), the impact-and-risk matrix (`matrix`) and the score pages' reads
(`score_reads`). Callers use them through this package."""

from portfolio.services.assessments.matrix import (
    BACKLOG_PER_PAGE,
    BACKLOG_STAGES,
    MAX_POINTS,
    MatrixFilter,
    MatrixView,
    matrix_view,
)
from portfolio.services.assessments.recording import OverallComment, record_assessment, refresh_consensus
from portfolio.services.assessments.score_reads import my_latest_scores, reviewer_scores, scoring_queue
from portfolio.services.assessments.scoring_model import (
    MAX_WEIGHT_SHARE,
    MIN_CRITERIA_PER_DIMENSION,
    ActiveModel,
    CriterionInput,
    ScoringModelInput,
    active_model,
    check_criteria,
    create_model_version,
    criterion_weights,
    ensure_default_scoring_model,
    model_version,
    model_versions,
)

__all__ = [
    "BACKLOG_PER_PAGE",
    "BACKLOG_STAGES",
    "MAX_POINTS",
    "MAX_WEIGHT_SHARE",
    "MIN_CRITERIA_PER_DIMENSION",
    "ActiveModel",
    "CriterionInput",
    "MatrixFilter",
    "MatrixView",
    "OverallComment",
    "ScoringModelInput",
    "active_model",
    "check_criteria",
    "create_model_version",
    "criterion_weights",
    "ensure_default_scoring_model",
    "matrix_view",
    "model_version",
    "model_versions",
    "my_latest_scores",
    "record_assessment",
    "refresh_consensus",
    "reviewer_scores",
    "scoring_queue",
]
