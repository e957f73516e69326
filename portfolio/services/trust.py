"""Trust across the portfolio: every customer-facing use case with its trust KPIs, the gaps, and the trends."""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session, col, select

from portfolio.kpis import status_of
from portfolio.lifecycle import ACTIVE
from portfolio.models import Kpi, KpiKind, KpiStatus, Measurement, UseCase, utc_now

TRUST_KINDS = (KpiKind.trust, KpiKind.fairness)
STATUS_SEVERITY = [
    KpiStatus.off_track,
    KpiStatus.at_risk,
    KpiStatus.no_recent_data,
    KpiStatus.on_track,
    KpiStatus.achieved,
]


@dataclass(frozen=True)
class TrustFilter:
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()


def _cases(session: Session, filters: TrustFilter) -> list:
    query = select(UseCase).where(UseCase.customer_facing, col(UseCase.stage).in_(ACTIVE))
    if filters.sectors:
        query = query.where(col(UseCase.sector).in_(filters.sectors))
    if filters.teams:
        query = query.where(col(UseCase.team).in_(filters.teams))
    return list(session.exec(query.order_by(UseCase.key)).all())


OVERVIEW_COLUMNS = [
    "key",
    "title",
    "stage",
    "sector",
    "team",
    "trust_kpis",
    "worst_status",
    "statuses",
    "ai_disclosure",
    "human_path",
    "gaps",
]


def trust_overview(
    session: Session, filters: TrustFilter = TrustFilter(), *, today: date | None = None
) -> pd.DataFrame:
    """One row per active customer-facing use case, KPI statuses as of `today` (default: now); gaps first."""
    today = today or utc_now().date()
    cases = _cases(session, filters)
    kpis: dict[int, list[Kpi]] = {}
    for kpi in session.exec(
        select(Kpi).where(col(Kpi.use_case_id).in_([c.id for c in cases]), col(Kpi.kind).in_(TRUST_KINDS))
    ).all():
        kpis.setdefault(kpi.use_case_id, []).append(kpi)
    rows = []
    for case in cases:
        own = kpis.get(case.id, [])
        gaps = []
        if not any(k.kind == KpiKind.trust for k in own):
            gaps.append("No trust KPI")
        if not case.ai_disclosure:
            gaps.append("Customers not told about the AI")
        if not case.human_path:
            gaps.append("No path to a person")
        statuses = [status_of(k, today) for k in own]
        worst = min(statuses, key=STATUS_SEVERITY.index).value if statuses else None
        rows.append(
            {
                "key": case.key,
                "title": case.title,
                "stage": case.stage,
                "sector": case.sector,
                "team": case.team,
                "trust_kpis": len(own),
                "worst_status": worst,
                "statuses": "; ".join(f"{k.name}: {s.label}" for k, s in zip(own, statuses, strict=True)),
                "ai_disclosure": case.ai_disclosure,
                "human_path": case.human_path,
                "gaps": gaps,
            }
        )
    frame = pd.DataFrame(rows, columns=OVERVIEW_COLUMNS)
    return (
        frame.assign(_gaps=frame["gaps"].map(len))
        .sort_values(["_gaps", "key"], ascending=[False, True])
        .drop(columns="_gaps")
        .reset_index(drop=True)
    )


TREND_COLUMNS = ["kpi_id", "key", "kpi", "unit", "direction", "baseline", "target", "month", "value"]


def trust_trends(session: Session, filters: TrustFilter = TrustFilter(), months: int = 12) -> pd.DataFrame:
    """Monthly mean of every trust and fairness KPI of the filtered use cases over the last `months` months:
    aggregated before charting, so a chart holds a dozen points per KPI."""
    cases = {c.id: c.key for c in _cases(session, filters)}
    since = utc_now().date() - timedelta(days=31 * months)
    rows = session.exec(
        select(
            Kpi.id,
            Kpi.use_case_id,
            Kpi.name,
            Kpi.unit,
            Kpi.direction,
            Kpi.baseline,
            Kpi.target,
            Measurement.measured_on,
            Measurement.value,
        )
        .join(Measurement, Measurement.kpi_id == Kpi.id)
        .where(
            col(Kpi.use_case_id).in_(list(cases)),
            col(Kpi.kind).in_(TRUST_KINDS),
            Measurement.measured_on >= since,
        )
    ).all()
    if not rows:
        return pd.DataFrame(columns=TREND_COLUMNS)
    frame = pd.DataFrame(
        rows,
        columns=[
            "kpi_id",
            "use_case_id",
            "kpi",
            "unit",
            "direction",
            "baseline",
            "target",
            "measured_on",
            "value",
        ],
    )
    frame["key"] = frame["use_case_id"].map(cases)
    frame["month"] = pd.to_datetime(frame["measured_on"]).dt.to_period("M").dt.to_timestamp()
    grouped = frame.groupby(
        ["kpi_id", "key", "kpi", "unit", "direction", "baseline", "target", "month"],
        as_index=False,
        dropna=False,
    )["value"].mean()
    return grouped[TREND_COLUMNS]
