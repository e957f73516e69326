"""The totals a snapshot freezes. The headline figures are the leadership overview's, from its own read
service: for a snapshot standing at today, `overview()` itself; for a day in the past, the same figures from
the history with the overview's own queries and rules (as the overview computes last quarter's figures), so
the app, the snapshot and the board report never disagree. The other totals are counted from the frozen rows,
so each can be traced to the rows beside it."""

from datetime import date
from typing import Any

from sqlmodel import Session

from portfolio import lifecycle
from portfolio.models import GateOutcome, KpiStatus, Stage
from portfolio.quarters import quarter_of
from portfolio.services.results import hourly_rate
from portfolio.services.snapshot_content import (
    GAP_NO_PERSON,
    GAP_NO_TRUST_KPI,
    GAP_NOT_TOLD,
    HEALTH_STAGES,
    TRUST_KINDS,
)
from portfolio.views import overview_queries as q
from portfolio.views.overview import overview
from portfolio.views.overview_headline import HEADLINE_LABELS, figures_as_of, previous_snapshot
from portfolio.views.overview_model import OverviewFilter, previous_figures


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


def headline_figures(session: Session, *, as_of: date, today: date) -> list[dict[str, Any]]:
    """The overview's headline figures with last quarter's values, as plain data for a snapshot."""
    if as_of == today:
        return [
            {name: _rounded(getattr(figure, name)) for name in FIELDS}
            for figure in overview(session, OverviewFilter(), today=today).headline
        ]
    rate = hourly_rate(session)
    now = figures_as_of(session, q.Scope(), as_of, rate)
    previous = quarter_of(as_of).previous()
    snapshot = previous_snapshot(session, previous.label)
    frozen = previous_figures(snapshot) if snapshot is not None else {}
    then = frozen or figures_as_of(session, q.Scope(), previous.last_day, rate)
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
