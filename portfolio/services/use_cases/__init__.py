"""Use cases: their recorded facts (`records`), moves between stages (`stage_moves`), the portfolio list
(`listing`) and one use case's full record (`detail`). Callers use them through this package."""

from portfolio.services.use_cases.detail import UseCaseDetail, use_case_detail, use_case_keys
from portfolio.services.use_cases.listing import (
    PORTFOLIO_COLUMNS,
    PortfolioFilter,
    PortfolioSummary,
    filter_choices,
    portfolio_table,
    quadrant_thresholds,
    summarise,
)
from portfolio.services.use_cases.records import (
    EDITABLE,
    FIELD_LABELS,
    KEY_PREFIX,
    ROW_CHANGES,
    UseCaseInput,
    get_use_case,
    next_key,
    propose_use_case,
    update_use_case,
)
from portfolio.services.use_cases.stage_moves import change_stage, move_stage

__all__ = [
    "EDITABLE",
    "FIELD_LABELS",
    "KEY_PREFIX",
    "PORTFOLIO_COLUMNS",
    "ROW_CHANGES",
    "PortfolioFilter",
    "PortfolioSummary",
    "UseCaseDetail",
    "UseCaseInput",
    "change_stage",
    "filter_choices",
    "get_use_case",
    "move_stage",
    "next_key",
    "portfolio_table",
    "propose_use_case",
    "quadrant_thresholds",
    "summarise",
    "update_use_case",
    "use_case_detail",
    "use_case_keys",
]
