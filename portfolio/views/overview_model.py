"""The overview's content: plain frozen dataclasses (strings, ints, floats, dates, lists and dicts), so
`to_content` turns an `Overview` into JSON-able data that a quarterly snapshot freezes and a board report
reads. `portfolio.views.overview` fills them in."""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class OverviewFilter:
    """The page's filters; empty means all."""

    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.sectors or self.teams or self.tiers)


@dataclass(frozen=True)
class Drill:
    """Where a figure or chart mark leads: the portfolio filtered by `stages`, `sectors`, `teams` and `tiers`
    (each on top of the overview's own filters), narrowed to `Overview.subsets[subset]` when one is named."""

    stages: tuple[str, ...] = ()
    subset: str | None = None
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subset:
    label: str
    keys: list[str]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None
    unit: str  # "count", "EUR" or "%"
    previous: float | None  # the same figure at the end of the previous quarter
    previous_basis: str  # "snapshot 2026-Q3", "history", or "" when there is nothing to compare with
    explanation: str
    drill: Drill

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 2)


@dataclass(frozen=True)
class StageCount:
    stage: str
    count: int
    drill: Drill


@dataclass(frozen=True)
class StageFlow:
    stage: str
    entered: int  # moves into the stage in the flow window
    left: int  # moves out of it in the flow window
    median_days: float | None  # median stay: current stays so far and stays ended in the last year
    stays: int  # how many stays the median is over
    limit_days: int | None
    drill: Drill


@dataclass(frozen=True)
class MoveCount:
    from_stage: str
    to_stage: str
    count: int
    drill: Drill


@dataclass(frozen=True)
class PurgatoryItem:
    key: str
    title: str
    owner: str | None
    team: str
    days_in_pilot: int
    limit_days: int
    decision_on: date | None
    decision_overdue: bool
    over_limit: bool
    extensions: int
    paused: bool


@dataclass(frozen=True)
class StatusCount:
    """Use cases in `stage` whose worst KPI status is `status`."""

    stage: str
    status: str
    count: int
    drill: Drill


@dataclass(frozen=True)
class KpiAlert:
    key: str
    title: str
    stage: str
    kpi: str
    status: str
    unit: str
    latest_value: float | None
    latest_on: date | None
    target: float | None


@dataclass(frozen=True)
class TrustGap:
    key: str  # no_trust_kpi, no_disclosure, no_human_path, trust_off_track
    label: str
    count: int
    drill: Drill


@dataclass(frozen=True)
class TrustHealth:
    customer_facing: int  # active customer-facing use cases
    gaps: list[TrustGap]
    drill: Drill


@dataclass(frozen=True)
class MatrixPoint:
    key: str
    title: str
    stage: str
    impact: float
    risk: float
    quadrant: str


@dataclass(frozen=True)
class BacklogItem:
    key: str
    title: str
    stage: str
    impact: float
    risk: float
    priority: float
    quadrant: str


@dataclass(frozen=True)
class BalanceCell:
    dimension: str  # sector, team or tier
    value: str  # the sector, team or tier (UNCLASSIFIED for no tier yet)
    stage: str
    count: int
    drill: Drill


@dataclass(frozen=True)
class GapItem:
    key: str
    title: str
    stage: str
    detail: str


@dataclass(frozen=True)
class GovernanceGap:
    key: str  # high_risk_without_dpia, prohibited, no_owner, single_reviewer
    label: str
    explanation: str
    items: list[GapItem]  # the first LIST_LIMIT
    drill: Drill
    count: int = 0  # all of them


@dataclass(frozen=True)
class LessonItem:
    key: str
    use_case_title: str
    title: str
    outcome: str
    category: str
    do_differently: str
    recorded_on: date


@dataclass(frozen=True)
class Overview:
    today: date
    quarter: str
    previous_quarter: str
    filters: OverviewFilter
    portfolio_size: int  # use cases in the whole portfolio, whatever the filters
    use_cases: int  # use cases matching the filters
    headline: list[Figure]
    funnel: list[StageCount]
    flow_window_days: int
    moves_in_window: int
    flow: list[StageFlow]
    moves: list[MoveCount]
    purgatory: list[PurgatoryItem]
    kpi_health: list[StatusCount]
    without_kpis: int  # use cases in KPI_HEALTH_STAGES with no KPI at all
    kpi_alerts: list[KpiAlert]
    trust: TrustHealth
    impact_threshold: float
    risk_threshold: float
    matrix: list[MatrixPoint]
    backlog: list[BacklogItem]
    balance: list[BalanceCell]
    governance: list[GovernanceGap]
    lessons: list[LessonItem]
    subsets: dict[str, Subset] = field(default_factory=dict)
    purgatory_total: int = 0  # `purgatory` lists the first LIST_LIMIT, most pressing first
    kpi_alerts_total: int = 0  # `kpi_alerts` lists the first LIST_LIMIT, worst first
    matrix_total: int = 0  # `matrix` holds these scored use cases, or an even sample of about MATRIX_POINTS

    @property
    def is_empty(self) -> bool:
        """Nothing in the portfolio at all (not merely nothing matching the filters)."""
        return self.portfolio_size == 0

    def figure(self, key: str) -> Figure:
        return next(f for f in self.headline if f.key == key)

    def keys_behind(self, subset: str) -> list[str]:
        found = self.subsets.get(subset)
        return list(found.keys) if found else []


def to_content(value: Any) -> Any:
    """An Overview (or any part of it) as JSON-able data: dicts, lists, strings, numbers, None; dates as ISO."""
    if hasattr(value, "__dataclass_fields__"):
        value = asdict(value)
    if isinstance(value, dict):
        return {str(k): to_content(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_content(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def previous_figures(content: dict[str, Any]) -> dict[str, float | None]:
    """The headline figures frozen in a snapshot's content, by key. Accepts the overview's content at the top
    level or under "overview"; unknown shapes give nothing (the history is used instead)."""
    source = content.get("overview", content) if isinstance(content, dict) else {}
    headline = source.get("headline") if isinstance(source, dict) else None
    figures: dict[str, float | None] = {}
    for item in headline if isinstance(headline, list) else []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            value = item.get("value")
            figures[item["key"]] = float(value) if isinstance(value, int | float) else None
    return figures


class SubsetCollector:
    """Collects subsets while the panels are built, so every drill names a subset that exists."""

    def __init__(self) -> None:
        self.subsets: dict[str, Subset] = {}

    def subset(self, subset_id: str, label: str, keys: list[str], stages: tuple[str, ...] = ()) -> Drill:
        self.subsets[subset_id] = Subset(label, sorted(set(keys)))
        return Drill(stages=stages, subset=subset_id)
