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

The content's dataclasses are in `portfolio.views.overview_model`, the headline figures in
`portfolio.views.overview_headline`.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from portfolio.kpi_status_sql import SEVERITY
from portfolio.lifecycle import ACTIVE
from portfolio.models import (
    EXIT_STAGES,
    STAGE_ORDER,
    AiActTier,
    KpiKind,
    KpiStatus,
    Stage,
    utc_now,
)
from portfolio.quarters import quarter_of, start_of_day
from portfolio.scoring import priority, quadrant
from portfolio.services.pipeline import stage_limits
from portfolio.services.use_cases import quadrant_thresholds
from portfolio.views import overview_history as history
from portfolio.views import overview_queries as q
from portfolio.views.overview_headline import headline
from portfolio.views.overview_model import (
    BacklogItem,
    BalanceCell,
    Drill,
    GapItem,
    GovernanceGap,
    KpiAlert,
    LessonItem,
    MatrixPoint,
    MoveCount,
    Overview,
    OverviewFilter,
    PurgatoryItem,
    StageCount,
    StageFlow,
    StatusCount,
    Subset,
    SubsetCollector,
    TrustGap,
    TrustHealth,
)

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


def use_cases_behind(
    session: Session, filters: OverviewFilter, subset: str, today: date | None = None
) -> Subset | None:
    """The use cases behind a figure or mark of the overview (by subset id), or None if there is no such
    subset (an old link)."""
    return overview(session, filters, today).subsets.get(subset)


# --- assembling the page ------------------------------------------------------------------------------------


def overview(
    session: Session, filters: OverviewFilter = OverviewFilter(), today: date | None = None
) -> Overview:
    """The overview for `filters` as of `today` (default: today in UTC)."""
    today = today or utc_now().date()
    scope = q.Scope(filters.sectors, filters.teams, filters.tiers)
    build = SubsetCollector()
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
        headline=headline(session, scope, filters, today, by_stage, build),
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


# --- flow ---------------------------------------------------------------------------------------------------


def _flow(
    session: Session, scope: q.Scope, today: date, limits: dict[Stage, int], build: SubsetCollector
) -> dict[str, Any]:
    tomorrow = start_of_day(today + timedelta(days=1))
    since = start_of_day(today - timedelta(days=FLOW_WINDOW_DAYS))
    moves = history.moves_between(session, scope, since, tomorrow)
    entered: dict[str, list[str]] = defaultdict(list)
    left: Counter[str] = Counter()
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, source, target, _ in moves:
        entered[target].append(key)
        left[source] += 1
        pairs[(source, target)].append(key)
    stint_since = start_of_day(today - timedelta(days=STINT_WINDOW_DAYS))
    stays = history.stay_medians_since(session, scope, stint_since, today, [s.value for s in ACTIVE])
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
    session: Session, scope: q.Scope, today: date, by_stage: dict[str, int], build: SubsetCollector
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


def _trust(session: Session, scope: q.Scope, today: date, build: SubsetCollector) -> TrustHealth:
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


def _balance(session: Session, scope: q.Scope, build: SubsetCollector) -> list[BalanceCell]:
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


def _governance(session: Session, scope: q.Scope, build: SubsetCollector) -> list[GovernanceGap]:
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
