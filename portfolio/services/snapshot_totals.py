"""The totals a snapshot freezes. The headline figures are the leadership overview's, from its own read
service: for a snapshot standing at today, `overview()` itself; for a day in the past, the same figures from
the history with the overview's own queries and rules (as the overview computes last quarter's figures), so
the app, the snapshot and the board report never disagree. The other totals are counted from the frozen rows,
so each can be traced to the rows beside it."""

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from portfolio import lifecycle
from portfolio.lifecycle import ACTIVE
from portfolio.models import GateOutcome, KpiStatus, Snapshot, SnapshotStatus, Stage
from portfolio.quarters import quarter_of, start_of_day
from portfolio.services.results import hourly_rate
from portfolio.services.snapshot_content import (
    GAP_NO_PERSON,
    GAP_NO_TRUST_KPI,
    GAP_NOT_TOLD,
    HEALTH_STAGES,
    TRUST_KINDS,
)
from portfolio.views import overview_queries as q
from portfolio.views.overview import (
    HEADLINE_LABELS,
    OverviewFilter,
    _decisions_on_time,  # the overview's own rules, reused so the figures match
    _value_figures,
    overview,
    previous_figures,
)


def portfolio_totals(
    cases: list[dict[str, Any]], kpis: list[dict[str, Any]], events: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    active = [c for c in cases if c["active"]]
    pilots = [c for c in cases if c["stage"] == Stage.pilot]
    health_keys = {c["key"] for c in cases if c["stage"] in HEALTH_STAGES}
    trust_cases = [c for c in active if c["customer_facing"]]
    trust_keys = {c["key"] for c in trust_cases}
    moves = events["stage_moves"]
    return {
        "use_cases": len(cases),
        "by_stage": {stage.value: sum(1 for c in cases if c["stage"] == stage) for stage in Stage},
        "closed": sum(1 for c in cases if c["stage"] in lifecycle.TERMINAL),
        "pilots_in_purgatory": sum(1 for c in pilots if c["decision_overdue"] or c["over_limit"]),
        "decisions_overdue": sum(1 for c in pilots if c["decision_overdue"]),
        "proposed_this_quarter": sum(1 for m in moves if m["from_stage"] is None),
        "scaled_this_quarter": sum(
            1 for m in moves if m["to_stage"] in (Stage.scale_up, Stage.production) and m["from_stage"]
        ),
        "gate_decisions": len(events["gate_decisions"]),
        "gate_go": sum(1 for d in events["gate_decisions"] if d["outcome"] == GateOutcome.go),
        "lessons": len(events["lessons"]),
        "running_cost_per_year": round(12 * sum(c["running_cost_per_month"] or 0 for c in active), 2),
        "kpi_health": {
            status.value: sum(1 for k in kpis if k["key"] in health_keys and k["status"] == status)
            for status in KpiStatus
        },
        "trust": {
            "customer_facing": len(trust_cases),
            "without_trust_kpi": sum(1 for c in trust_cases if GAP_NO_TRUST_KPI in c["trust_gaps"]),
            "customers_not_told": sum(1 for c in trust_cases if GAP_NOT_TOLD in c["trust_gaps"]),
            "no_path_to_person": sum(1 for c in trust_cases if GAP_NO_PERSON in c["trust_gaps"]),
            "trust_kpis_off_track": sum(
                1
                for k in kpis
                if k["key"] in trust_keys and k["kind"] in TRUST_KINDS and k["status"] == KpiStatus.off_track
            ),
        },
    }


UNITS = {
    "active": "count",
    "pilots": "count",
    "scaled_or_live": "count",
    "stopped_this_quarter": "count",
    "value_per_year": "EUR",
    "net_value_first_year": "EUR",
    "pilot_decisions_on_time": "%",
}
FIELDS = ("key", "label", "value", "unit", "previous", "previous_basis")


def _rounded(value: Any) -> Any:
    return round(float(value), 2) if isinstance(value, float) else value


def figures_as_of(session: Session, day: date) -> dict[str, float | None]:
    """The headline figures as the portfolio stood at the end of `day`, from the history."""
    scope = q.Scope()
    quarter = quarter_of(day)
    cutoff = start_of_day(day + timedelta(days=1))
    by_stage = q.counts_by_stage_as_of(session, scope, cutoff)
    if not by_stage:
        return {key: None for key in HEADLINE_LABELS}
    value, net, *_ = _value_figures(q.value_as_of(session, scope, cutoff, day), hourly_rate(session))
    on_time, _ = _decisions_on_time(session, scope, quarter.starts_at, cutoff, day + timedelta(days=1))

    def count(stages: tuple[str, ...]) -> int:
        return sum(by_stage.get(s, 0) for s in stages)

    return {
        "active": count(tuple(s.value for s in ACTIVE)),
        "pilots": count((Stage.pilot.value,)),
        "scaled_or_live": count((Stage.scale_up.value, Stage.production.value)),
        "stopped_this_quarter": len(q.stopped_between(session, scope, quarter.starts_at, cutoff)),
        "value_per_year": value,
        "net_value_first_year": net,
        "pilot_decisions_on_time": on_time,
    }


def _frozen(session: Session, quarter_label: str) -> dict[str, float | None]:
    content = session.exec(
        select(Snapshot.content)
        .where(Snapshot.quarter == quarter_label, Snapshot.status == SnapshotStatus.current)
        .order_by(col(Snapshot.taken_at).desc())
    ).first()
    return previous_figures(content) if isinstance(content, dict) else {}


def headline_figures(session: Session, *, as_of: date, today: date) -> list[dict[str, Any]]:
    """The overview's headline figures with last quarter's values, as plain data for a snapshot."""
    if as_of == today:
        return [
            {name: _rounded(getattr(figure, name)) for name in FIELDS}
            for figure in overview(session, OverviewFilter(), today=today).headline
        ]
    now = figures_as_of(session, as_of)
    previous = quarter_of(as_of).previous()
    frozen = _frozen(session, previous.label)
    then = frozen or figures_as_of(session, previous.last_day)
    basis = f"snapshot {previous.label}" if frozen else "history"
    return [
        {
            "key": key,
            "label": label,
            "value": _rounded(now[key]),
            "unit": UNITS[key],
            "previous": _rounded(then.get(key)),
            "previous_basis": basis if then.get(key) is not None else "",
        }
        for key, label in HEADLINE_LABELS.items()
    ]
