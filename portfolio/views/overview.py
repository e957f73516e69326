"""The leadership overview: where the pipeline stands, what is stuck, what delivers value, where trust is at
risk, whether the portfolio is balanced, and the use cases behind every figure.

One read service, `overview(session, filters, today=...)`, returns an `Overview`: plain frozen dataclasses
holding strings, ints, floats, dates, lists and dicts, so `to_content(overview)` turns it into JSON-able data
(dates as ISO strings) that a quarterly snapshot freezes and a board report reads, and the figures are the
same in the app and in exports. Everything that depends on the date (KPI status, days in stage, overdue and
purgatory flags, "this quarter") is computed from `today`, with the pure rules in portfolio/.

Stable API (the snapshot and the report rely on these names; add fields, do not rename them):
- `Overview.headline`: `Figure`s keyed `active`, `pilots`, `scaled_or_live`, `stopped_this_quarter`,
  `value_per_year`, `net_value_first_year`, `pilot_decisions_on_time` (a share 0–100, or None).
  Each carries its value, the previous quarter's value and where that came from.
- `funnel`, `flow`, `moves`, `purgatory`, `kpi_health`, `kpi_alerts`, `trust`, `matrix`, `backlog`,
  `balance`, `governance`, `lessons`: the page's panels, in that order.
- `subsets`: the use cases behind a figure or mark that no stage filter expresses, by id; each `Drill`
  names either stages (the portfolio filtered by stage) or a subset id (or both).
"""

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from portfolio.kpi_status_sql import SEVERITY
from portfolio.kpis import monthly_value, net_value_first_year
from portfolio.labels import plural
from portfolio.lifecycle import ACTIVE
from portfolio.models import (
    EXIT_STAGES,
    STAGE_ORDER,
    AiActTier,
    KpiKind,
    KpiStatus,
    Snapshot,
    SnapshotStatus,
    Stage,
    utc_now,
)
from portfolio.quarters import Quarter, quarter_of, start_of_day
from portfolio.scoring import priority, quadrant
from portfolio.services.pipeline import stage_limits
from portfolio.services.results import hourly_rate
from portfolio.services.use_cases import quadrant_thresholds
from portfolio.views import overview_queries as q

FLOW_WINDOW_DAYS = 90  # "moves in the last quarter": a rolling three months, so the figure is never stale
STINT_WINDOW_DAYS = 365  # median time in stage: stays that are current or ended in the last year
LESSON_WINDOW_DAYS = 365
LESSONS_SHOWN = 6
BACKLOG_SHOWN = 5
# Lists and the small matrix keep the most pressing items, so the page and a snapshot stay small on a large
# portfolio; the totals say how many there are, and the subsets hold every key behind a figure.
LIST_LIMIT = 50
MATRIX_POINTS = 500
KPI_HEALTH_STAGES = (Stage.pilot, Stage.scale_up, Stage.production)
# Worst first: a use case is filed under the worst status among its KPIs.
STATUS_SEVERITY = SEVERITY
TRUST_KPI_KINDS = (KpiKind.trust, KpiKind.fairness)
UNCLASSIFIED = "not_classified"  # the balance's name for a use case without an EU AI Act tier yet


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
    matrix_total: int = 0  # `matrix` holds the MATRIX_POINTS highest-priority scored use cases

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


def use_cases_behind(
    session: Session, filters: OverviewFilter, subset: str, today: date | None = None
) -> Subset | None:
    """The use cases behind a figure or mark of the overview (by subset id), or None if there is no such
    subset (an old link)."""
    return overview(session, filters, today).subsets.get(subset)


# --- assembling the page ------------------------------------------------------------------------------------


class _Builder:
    """Collects subsets while the panels are built, so every drill names a subset that exists."""

    def __init__(self) -> None:
        self.subsets: dict[str, Subset] = {}

    def subset(self, subset_id: str, label: str, keys: list[str], stages: tuple[str, ...] = ()) -> Drill:
        self.subsets[subset_id] = Subset(label, sorted(set(keys)))
        return Drill(stages=stages, subset=subset_id)


def overview(
    session: Session, filters: OverviewFilter = OverviewFilter(), today: date | None = None
) -> Overview:
    """The overview for `filters` as of `today` (default: today in UTC)."""
    today = today or utc_now().date()
    scope = q.Scope(filters.sectors, filters.teams, filters.tiers)
    build = _Builder()
    limits = stage_limits(session)
    by_stage = q.counts_by_stage(session, scope)
    impact_threshold, risk_threshold = quadrant_thresholds(session)
    scored_total, scored = q.scored_active(session, scope, MATRIX_POINTS)
    stuck = _purgatory(session, scope, today, limits[Stage.pilot])
    return Overview(
        today=today,
        quarter=quarter_of(today).label,
        previous_quarter=quarter_of(today).previous().label,
        filters=filters,
        portfolio_size=q.count_all(session),
        use_cases=sum(by_stage.values()),
        headline=_headline(session, scope, filters, today, by_stage, build),
        funnel=[
            StageCount(stage.value, by_stage.get(stage, 0), Drill(stages=(stage.value,)))
            for stage in (*STAGE_ORDER, *EXIT_STAGES)
        ],
        flow_window_days=FLOW_WINDOW_DAYS,
        **_flow(session, scope, today, limits, build),
        purgatory=stuck[:LIST_LIMIT],
        purgatory_total=len(stuck),
        **_kpi_health(session, scope, today, by_stage, build),
        trust=_trust(session, scope, today, build),
        impact_threshold=impact_threshold,
        risk_threshold=risk_threshold,
        matrix=[
            MatrixPoint(
                key,
                title,
                stage,
                impact,
                risk,
                quadrant(impact, risk, impact_threshold, risk_threshold).value,
            )
            for key, title, stage, impact, risk in scored
        ],
        matrix_total=scored_total,
        backlog=[
            BacklogItem(
                key,
                title,
                stage,
                impact,
                risk,
                priority(impact, risk),
                quadrant(impact, risk, impact_threshold, risk_threshold).value,
            )
            for key, title, stage, impact, risk in q.top_of_backlog(session, scope, BACKLOG_SHOWN)
        ],
        balance=_balance(session, scope, build),
        governance=_governance(session, scope, build),
        lessons=[
            LessonItem(key, uc_title, title, outcome, category, do_differently, recorded.date())
            for key, uc_title, title, outcome, category, do_differently, recorded in q.recent_lessons(
                session, scope, start_of_day(today - timedelta(days=LESSON_WINDOW_DAYS)), LESSONS_SHOWN
            )
        ],
        subsets=build.subsets,
    )


# --- headline figures ---------------------------------------------------------------------------------------

HEADLINE_LABELS = {
    "active": "Active use cases",
    "pilots": "Pilots",
    "scaled_or_live": "Scaling up or live",
    "stopped_this_quarter": "Stopped this quarter",
    "value_per_year": "Value delivered per year",
    "net_value_first_year": "Net value, first year",
    "pilot_decisions_on_time": "Pilot decisions on time",
}


class ValueFigures(NamedTuple):
    per_year: float | None  # None: no use case's value is measured
    net_first_year: float | None
    behind: list[str]  # keys with value or cost recorded
    measured: int  # how many use cases' value is measured
    of: int  # out of how many


def _value_figures(
    rows: list[tuple[str, float | None, float | None, str | None, float | None]], rate: float
) -> ValueFigures:
    """Value per year and first-year net value from value rows, over the use cases whose value is measured (a
    business KPI in money or hours per month with a recorded value): one without is not measured, which is
    not the same as worth nothing, so it counts in neither total."""
    units: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    costs: dict[str, tuple[float | None, float | None]] = {}
    for key, running, one_off, unit, latest in rows:
        costs[key] = (running, one_off)
        if unit is not None:
            units[key].append((unit, latest))
    per_month = {key: monthly_value(units.get(key, []), rate) for key in costs}
    measured = {key: value for key, value in per_month.items() if value is not None}
    behind = [key for key in costs if per_month[key] or costs[key][0] or costs[key][1]]
    if not measured:
        return ValueFigures(None, None, behind, 0, len(costs))
    net = sum(net_value_first_year(value, *costs[key]) or 0.0 for key, value in measured.items())
    return ValueFigures(
        round(12 * sum(measured.values()), 2), round(net, 2), behind, len(measured), len(costs)
    )


def _measured_words(measured: int, of: int) -> str:
    if not of:
        return ""
    if not measured:
        return "No active use case measures its value yet, so it is not measured (rather than €0)."
    return (
        f"Value measured for {measured} of the {plural(of, 'active use case')}; the others are not measured, "
        "and are left out rather than counted as €0."
    )


def _decisions_on_time(
    session: Session, scope: q.Scope, start: datetime, end: datetime, due_before: date
) -> tuple[float | None, list[str]]:
    """Share (0–100) of the pilot decisions due in [start, end) taken by the pilot's decision date: pilots
    that left the pilot stage then (on time when on or before the charter's decision date), and pilots still
    in pilot at the end whose decision date had passed (late). None when no decision was due."""
    exits = q.pilot_exits_between(session, scope, start, end)
    waiting = q.pilots_overdue_at(session, scope, end, due_before)
    keys = [key for key, _, _ in exits] + waiting
    if not keys:
        return None, []
    on_time = sum(1 for _, left, due in exits if due is None or left.date() <= due)
    return round(100 * on_time / len(keys), 1), keys


def _headline(
    session: Session,
    scope: q.Scope,
    filters: OverviewFilter,
    today: date,
    by_stage: dict[str, int],
    build: _Builder,
) -> list[Figure]:
    quarter = quarter_of(today)
    previous = quarter.previous()
    tomorrow = start_of_day(today + timedelta(days=1))
    rate = hourly_rate(session)

    value_now, net_now, valued, measured, of = _value_figures(q.value_now(session, scope), rate)
    on_time_now, due_now = _decisions_on_time(session, scope, quarter.starts_at, tomorrow, today)
    stopped_now = q.stopped_between(session, scope, quarter.starts_at, tomorrow)
    # Last quarter's figures: frozen in its snapshot when one was taken (unfiltered only), else counted from
    # the history; the history is not read when the snapshot has them all.
    snapshot = _previous_snapshot(session, previous.label) if filters.is_empty else None
    frozen = previous_figures(snapshot) if snapshot is not None else {}
    if all(key in frozen for key in HEADLINE_LABELS):
        history, basis = dict(frozen), dict.fromkeys(frozen, "")
    else:
        history = _history(session, scope, quarter, rate)
        basis = {key: "history" if value is not None else "" for key, value in history.items()}
    for key in frozen:
        history[key], basis[key] = frozen[key], f"snapshot {previous.label}"

    def count(stages: tuple[str, ...], counts: dict[str, int]) -> int:
        return sum(counts.get(s, 0) for s in stages)

    active = tuple(s.value for s in ACTIVE)
    scaled = (Stage.scale_up.value, Stage.production.value)

    explanations = {
        "active": "Proposed, assessed, in pilot, scaling up or in production.",
        "pilots": "Use cases in the pilot stage now.",
        "scaled_or_live": "Use cases scaling up or in production.",
        "stopped_this_quarter": f"Use cases stopped since {quarter.first_day:%-d %B %Y}, each with its lesson.",
        "value_per_year": "Active use cases whose value is measured: business KPIs kept in euros or hours per "
        "month (latest values, hours at the hourly rate), times twelve. " + _measured_words(measured, of),
        "net_value_first_year": "Per active use case whose value is measured: 12 × (value − running cost) − "
        "one-off cost; added up. " + _measured_words(measured, of),
        "pilot_decisions_on_time": "Of the pilots due for a decision this quarter (left the pilot stage, or "
        "still waiting past their decision date), the share decided by their decision date.",
    }
    values: dict[str, tuple[float | None, str, Drill]] = {
        "active": (count(active, by_stage), "count", Drill(stages=active)),
        "pilots": (count((Stage.pilot.value,), by_stage), "count", Drill(stages=(Stage.pilot.value,))),
        "scaled_or_live": (count(scaled, by_stage), "count", Drill(stages=scaled)),
        "stopped_this_quarter": (
            len(stopped_now),
            "count",
            build.subset("stopped_this_quarter", HEADLINE_LABELS["stopped_this_quarter"], stopped_now),
        ),
        "value_per_year": (
            value_now,
            "EUR",
            build.subset("value", "Active use cases with value or cost recorded", valued, active),
        ),
        "net_value_first_year": (net_now, "EUR", Drill(stages=active, subset="value")),
        "pilot_decisions_on_time": (
            on_time_now,
            "%",
            build.subset("pilot_decisions_due", "Pilot decisions due this quarter", due_now),
        ),
    }
    return [
        Figure(
            key,
            HEADLINE_LABELS[key],
            value,
            unit,
            history[key],
            basis[key],
            explanations[key],
            drill,
        )
        for key, (value, unit, drill) in values.items()
    ]


def _history(session: Session, scope: q.Scope, quarter: Quarter, rate: float) -> dict[str, float | None]:
    """The headline figures as they stood at the end of the quarter before `quarter`, from the history."""
    previous = quarter.previous()
    then = q.counts_by_stage_as_of(session, scope, quarter.starts_at)
    if not then:
        return dict.fromkeys(HEADLINE_LABELS)
    stopped_then = q.stopped_between(session, scope, previous.starts_at, previous.ends_at)
    value_then, net_then, *_ = _value_figures(
        q.value_as_of(session, scope, quarter.starts_at, previous.last_day), rate
    )
    on_time_then, _ = _decisions_on_time(
        session, scope, previous.starts_at, previous.ends_at, quarter.first_day
    )

    def count(stages: tuple[str, ...]) -> int:
        return sum(then.get(s, 0) for s in stages)

    return {
        "active": count(tuple(s.value for s in ACTIVE)),
        "pilots": count((Stage.pilot.value,)),
        "scaled_or_live": count((Stage.scale_up.value, Stage.production.value)),
        "stopped_this_quarter": len(stopped_then),
        "value_per_year": value_then,
        "net_value_first_year": net_then,
        "pilot_decisions_on_time": on_time_then,
    }


def _previous_snapshot(session: Session, quarter_label: str) -> dict[str, Any] | None:
    content = session.exec(
        select(Snapshot.content)
        .where(Snapshot.quarter == quarter_label, Snapshot.status == SnapshotStatus.current)
        .order_by(col(Snapshot.taken_at).desc())
    ).first()
    return content if isinstance(content, dict) else None


# --- flow ---------------------------------------------------------------------------------------------------


def _flow(
    session: Session, scope: q.Scope, today: date, limits: dict[Stage, int], build: _Builder
) -> dict[str, Any]:
    tomorrow = start_of_day(today + timedelta(days=1))
    since = start_of_day(today - timedelta(days=FLOW_WINDOW_DAYS))
    moves = q.moves_between(session, scope, since, tomorrow)
    entered: dict[str, list[str]] = defaultdict(list)
    left: Counter[str] = Counter()
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, source, target, _ in moves:
        entered[target].append(key)
        left[source] += 1
        pairs[(source, target)].append(key)
    stint_since = start_of_day(today - timedelta(days=STINT_WINDOW_DAYS))
    stays = q.stay_medians_since(session, scope, stint_since, today, [s.value for s in ACTIVE])
    flow = [
        StageFlow(
            stage.value,
            len(entered.get(stage, [])),
            left.get(stage, 0),
            stays[stage][0] if stage in stays else None,
            stays[stage][1] if stage in stays else 0,
            limits.get(stage),
            build.subset(
                f"entered:{stage.value}",
                f"Moved into {stage.label} in the last {FLOW_WINDOW_DAYS} days",
                entered.get(stage, []),
            ),
        )
        for stage in ACTIVE
    ]
    move_counts = [
        MoveCount(
            source,
            target,
            len(keys),
            build.subset(
                f"moved:{source}:{target}",
                f"Moved from {Stage(source).label} to {Stage(target).label} in the last {FLOW_WINDOW_DAYS} days",
                keys,
            ),
        )
        for (source, target), keys in sorted(pairs.items(), key=lambda item: -len(item[1]))
    ]
    return {"moves_in_window": len(moves), "flow": flow, "moves": move_counts}


# --- pilot purgatory ----------------------------------------------------------------------------------------


def _purgatory(session: Session, scope: q.Scope, today: date, limit: int) -> list[PurgatoryItem]:
    items = []
    for row in q.pilots_needing_decision(session, scope, today, limit):
        days = (today - row.entered.date()).days
        items.append(
            PurgatoryItem(
                row.key,
                row.title,
                row.owner,
                row.team,
                days,
                limit,
                row.decision_on,
                row.decision_on is not None and row.decision_on < today,
                days > limit,
                row.extensions,
                row.paused,
            )
        )
    # Overdue decisions first, then the longest in pilot: the order a committee works through them.
    return sorted(items, key=lambda i: (not i.decision_overdue, -i.days_in_pilot, i.key))


# --- KPI and trust health -----------------------------------------------------------------------------------


def _kpi_health(
    session: Session, scope: q.Scope, today: date, by_stage: dict[str, int], build: _Builder
) -> dict[str, Any]:
    stages = [s.value for s in KPI_HEALTH_STAGES]
    # Statuses are computed and ranked in SQL (portfolio.kpi_status_sql, the translation of the rule in
    # portfolio.kpis), so tens of thousands of KPIs never travel to Python.
    worst = {
        key: (stage, KpiStatus(status))
        for key, stage, status in q.worst_kpi_status(session, scope, stages, today)
    }
    alerts_total, alert_rows = q.kpi_alerts(
        session,
        scope,
        stages,
        (KpiStatus.off_track.value, KpiStatus.no_recent_data.value),
        today,
        LIST_LIMIT,
    )
    alerts = [
        KpiAlert(a.key, a.title, a.stage, a.name, a.status, a.unit, a.latest_value, a.latest_on, a.target)
        for a in alert_rows
    ]
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, (stage, status) in worst.items():
        cells[(stage, status.value)].append(key)
    health = [
        StatusCount(
            stage.value,
            status.value,
            len(cells.get((stage.value, status.value), [])),
            build.subset(
                f"kpi:{stage.value}:{status.value}",
                f"{stage.label}: KPIs {status.label.lower()} (worst of each use case's KPIs)",
                cells.get((stage.value, status.value), []),
                (stage.value,),
            ),
        )
        for stage in KPI_HEALTH_STAGES
        for status in STATUS_SEVERITY
    ]
    in_stages = sum(by_stage.get(s, 0) for s in KPI_HEALTH_STAGES)
    return {
        "kpi_health": health,
        "without_kpis": in_stages - len(worst),
        "kpi_alerts": alerts,
        "kpi_alerts_total": alerts_total,
    }


def _trust(session: Session, scope: q.Scope, today: date, build: _Builder) -> TrustHealth:
    cases = q.customer_facing_active(session, scope)
    off_track = q.keys_with_kpi_status(
        session, scope, [k.value for k in TRUST_KPI_KINDS], KpiStatus.off_track.value, today
    )
    gaps = {
        "no_trust_kpi": ("No customer-trust KPI", [k for k, _, _, trust in cases if not trust]),
        "no_disclosure": ("Customers not told about the AI", [k for k, told, _, _ in cases if not told]),
        "no_human_path": ("No path to a person", [k for k, _, path, _ in cases if not path]),
        "trust_off_track": ("Trust or fairness KPI off track", off_track),
    }
    return TrustHealth(
        customer_facing=len(cases),
        gaps=[
            TrustGap(key, label, len(keys), build.subset(f"trust:{key}", label, keys))
            for key, (label, keys) in gaps.items()
        ],
        drill=build.subset("customer_facing", "Active customer-facing use cases", [c[0] for c in cases]),
    )


# --- balance and governance ---------------------------------------------------------------------------------


def _balance(session: Session, scope: q.Scope, build: _Builder) -> list[BalanceCell]:
    totals: dict[tuple[str, str, str], int] = Counter()
    for sector, team, tier, stage, n in q.counts_for_balance(session, scope):
        totals[("sector", sector, stage)] += n
        totals[("team", team, stage)] += n
        totals[("tier", tier or UNCLASSIFIED, stage)] += n
    unclassified: dict[str, list[str]] = defaultdict(list)
    if any(dimension == "tier" and value == UNCLASSIFIED for dimension, value, _ in totals):
        for key, stage in q.unclassified_keys(session, scope):
            unclassified[stage].append(key)
    cells = []
    for (dimension, value, stage), n in sorted(totals.items()):
        if dimension == "tier" and value == UNCLASSIFIED:
            # The portfolio's filters have no "no tier yet": name the use cases instead.
            drill = build.subset(
                f"unclassified:{stage}",
                f"{Stage(stage).label}: no EU AI Act tier yet",
                unclassified[stage],
                (stage,),
            )
        else:
            drill = Drill(stages=(stage,), **{f"{dimension}s": (value,)})
        cells.append(BalanceCell(dimension, value, stage, n, drill))
    return cells


GOVERNANCE = {
    "prohibited": (
        "Prohibited practices",
        "Classed as a prohibited practice under the EU AI Act: such a use case may never enter a pilot; "
        "reject or reclassify it.",
    ),
    "high_risk_without_dpia": (
        "High-risk without a data protection impact assessment",
        "High-risk use cases running (pilot, scale-up or production) with no gate decision recording a "
        "data protection impact assessment.",
    ),
    "no_owner": (
        "No active accountable owner",
        "No accountable owner is named (often an imported use case), or the owner has left (is no longer an "
        "active person): name one.",
    ),
    "single_reviewer": (
        "Scored by a single reviewer",
        "Only one reviewer has scored these; the pilot gate needs at least two.",
    ),
}


def _dpia_recorded(checklists: list[list[dict[str, Any]]]) -> bool:
    return any(item.get("key") == "dpia" and item.get("met") for items in checklists for item in items)


def _governance(session: Session, scope: q.Scope, build: _Builder) -> list[GovernanceGap]:
    candidates = q.governance_candidates(session, scope)
    running = (Stage.pilot, Stage.scale_up, Stage.production)
    high_running = [c for c in candidates if c[3] == AiActTier.high and c[2] in running]
    checklists = q.pilot_gate_checklists(session, [c[0] for c in high_running])
    found: dict[str, list[GapItem]] = {name: [] for name in GOVERNANCE}
    for key, title, stage, tier, owner_active, reviewers, owner in candidates:
        if tier == AiActTier.prohibited:
            detail = "In a pilot or later: stop it" if stage in running else "Not yet in a pilot"
            found["prohibited"].append(GapItem(key, title, stage, detail))
        if tier == AiActTier.high and stage in running and not _dpia_recorded(checklists.get(key, [])):
            found["high_risk_without_dpia"].append(GapItem(key, title, stage, "No DPIA recorded at a gate"))
        if not owner_active:
            detail = f"{owner} is no longer active" if owner else "No owner named"
            found["no_owner"].append(GapItem(key, title, stage, detail))
        if reviewers == 1:
            found["single_reviewer"].append(GapItem(key, title, stage, "1 reviewer"))
    return [
        GovernanceGap(
            name,
            label,
            explanation,
            found[name][:LIST_LIMIT],
            build.subset(f"governance:{name}", label, [i.key for i in found[name]]),
            len(found[name]),
        )
        for name, (label, explanation) in GOVERNANCE.items()
    ]
