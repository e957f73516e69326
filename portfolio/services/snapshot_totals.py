"""The portfolio totals a snapshot freezes: the headline figures leadership reads, added up from the frozen
rows so that every total in a snapshot can be traced to the rows beside it."""

from typing import Any

from portfolio import lifecycle
from portfolio.models import GateOutcome, KpiStatus, Stage
from portfolio.services.snapshot_content import (
    GAP_NO_PERSON,
    GAP_NO_TRUST_KPI,
    GAP_NOT_TOLD,
    HEALTH_STAGES,
    TRUST_KINDS,
)


def portfolio_totals(
    cases: list[dict[str, Any]], kpis: list[dict[str, Any]], events: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    active = [c for c in cases if c["active"]]
    pilots = [c for c in cases if c["stage"] == Stage.pilot]
    with_decision = [c for c in pilots if c["decision_on"] is not None]
    health_keys = {c["key"] for c in cases if c["stage"] in HEALTH_STAGES}
    trust_cases = [c for c in active if c["customer_facing"]]
    trust_keys = {c["key"] for c in trust_cases}
    moves = events["stage_moves"]
    return {
        "use_cases": len(cases),
        "by_stage": {stage.value: sum(1 for c in cases if c["stage"] == stage) for stage in Stage},
        "active": len(active),
        "in_pilot": len(pilots),
        "scaling_or_live": sum(1 for c in cases if c["stage"] in (Stage.scale_up, Stage.production)),
        "closed": sum(1 for c in cases if c["stage"] in lifecycle.TERMINAL),
        "pilots_in_purgatory": sum(1 for c in pilots if c["decision_overdue"] or c["over_limit"]),
        "decisions_overdue": sum(1 for c in pilots if c["decision_overdue"]),
        "pilots_on_schedule_percent": round(
            100 * sum(1 for c in with_decision if not c["decision_overdue"]) / len(with_decision), 1
        )
        if with_decision
        else None,
        "proposed_this_quarter": sum(1 for m in moves if m["from_stage"] is None),
        "scaled_this_quarter": sum(
            1 for m in moves if m["to_stage"] in (Stage.scale_up, Stage.production) and m["from_stage"]
        ),
        "stopped_this_quarter": sum(1 for m in moves if m["to_stage"] == Stage.stopped),
        "gate_decisions": len(events["gate_decisions"]),
        "gate_go": sum(1 for d in events["gate_decisions"] if d["outcome"] == GateOutcome.go),
        "lessons": len(events["lessons"]),
        "value_per_year": round(12 * sum(c["value_per_month"] or 0 for c in active), 2),
        "running_cost_per_year": round(12 * sum(c["running_cost_per_month"] or 0 for c in active), 2),
        "net_value_first_year": round(sum(c["net_first_year"] for c in active), 2),
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
