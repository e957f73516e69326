"""The KPI status rule translated to SQL (portfolio.kpi_status_sql) gives the rule's own answer
(portfolio.kpis.kpi_status) for every KPI of a generated portfolio, on several days, on each database; and the
overview's KPI figures, counted in SQL, match the rule applied in Python to plain SQL rows."""

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from portfolio.demo.scale import generate_scale_portfolio
from portfolio.kpi_status_sql import SEVERITY, status_sql
from portfolio.kpis import kpi_status, status_of
from portfolio.models import Kpi, KpiStatus
from portfolio.views.overview import OverviewFilter, overview

TODAY = date(2026, 11, 23)
HEALTH_STAGES = ("pilot", "scale_up", "production")


@pytest.fixture
def scaled(engine, admin):
    generate_scale_portfolio(engine, 150, measurements=8_000, today=TODAY)
    with Session(engine) as session:
        # Edge cases the generator may not make: no target, no baseline, baseline equal to target, dates
        # missing or reversed, a value on the very day the data turns stale.
        kpis = session.exec(select(Kpi).order_by(Kpi.id)).all()
        edits = [
            {"target": None},
            {"baseline": None},
            {"baseline_on": None},
            {"target_on": None},
            {"latest_value": None},
            {"latest_on": TODAY - timedelta(days=45)},
            {"latest_on": TODAY - timedelta(days=46)},
        ]
        for kpi, edit in zip(kpis, edits, strict=False):
            for name, value in edit.items():
                setattr(kpi, name, value)
        kpis[len(edits)].target = kpis[len(edits)].baseline
        kpis[len(edits) + 1].target_on, kpis[len(edits) + 1].baseline_on = TODAY, TODAY + timedelta(days=9)
        session.commit()
    return engine


@pytest.mark.parametrize("days_from_today", [0, -200, -45, 30, 400])
def test_sql_status_equals_the_rule(scaled, days_from_today: int) -> None:
    on = TODAY + timedelta(days=days_from_today)
    with Session(scaled) as session:
        rows = session.exec(select(Kpi, status_sql(on))).all()
    assert len(rows) > 300
    assert {kpi.id: status for kpi, status in rows} == {kpi.id: status_of(kpi, on).value for kpi, _ in rows}
    if days_from_today == 0:  # the generated portfolio exercises every status
        assert {status for _, status in rows} == {s.value for s in KpiStatus}


def _as_date(value):
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def test_overview_kpi_health_matches_plain_sql(scaled) -> None:
    with Session(scaled) as session:
        view = overview(session, OverviewFilter(), TODAY)
    with scaled.connect() as connection:
        rows = connection.execute(
            text(
                """SELECT u.key, u.stage, u.title, k.name, k.direction, k.baseline, k.baseline_on, k.target,
                          k.target_on, k.latest_value, k.latest_on, k.kind, u.customer_facing
                   FROM kpi k JOIN use_case u ON u.id = k.use_case_id
                   WHERE u.stage IN ('proposed', 'assessed', 'pilot', 'scale_up', 'production')"""
            )
        ).all()
    worst: dict[str, tuple[str, int]] = {}
    alerts = []
    trust_off_track = set()
    for key, stage, _, name, direction, baseline, b_on, target, t_on, latest, l_on, kind, facing in rows:
        status = kpi_status(
            direction=direction,
            baseline=baseline,
            baseline_on=_as_date(b_on),
            target=target,
            target_on=_as_date(t_on),
            latest_value=latest,
            latest_on=_as_date(l_on),
            today=TODAY,
        )
        if facing and kind in ("trust", "fairness") and status == KpiStatus.off_track:
            trust_off_track.add(key)
        if stage not in HEALTH_STAGES:
            continue
        rank = SEVERITY.index(status)
        worst[key] = (stage, min(rank, worst.get(key, (stage, 9))[1]))
        if status in (KpiStatus.off_track, KpiStatus.no_recent_data):
            alerts.append((rank, key, name))
    expected = Counter((stage, SEVERITY[rank].value) for stage, rank in worst.values())
    assert {(c.stage, c.status): c.count for c in view.kpi_health if c.count} == dict(expected)
    assert sum(expected.values()) > 20
    assert view.kpi_alerts_total == len(alerts)
    assert [(SEVERITY.index(KpiStatus(a.status)), a.key, a.kpi) for a in view.kpi_alerts] == sorted(alerts)[
        :50
    ]
    assert view.keys_behind("trust:trust_off_track") == sorted(trust_off_track)


def _as_moment(value):
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_overview_time_in_stage_matches_plain_sql(scaled) -> None:
    """The median stay per stage, counted in days in the database, equals the stays worked out here from the
    raw stage history (UTC days, current stays up to today, stays ended in the last year)."""
    from statistics import median

    from portfolio.views.overview import STINT_WINDOW_DAYS

    with Session(scaled) as session:
        view = overview(session, OverviewFilter(), TODAY)
    with scaled.connect() as connection:
        moves = connection.execute(
            text(
                "SELECT use_case_id, to_stage, changed_at FROM stage_change ORDER BY use_case_id, changed_at, id"
            )
        ).all()
    since = TODAY - timedelta(days=STINT_WINDOW_DAYS)
    stays: dict[str, list[int]] = {}
    for index, (use_case_id, stage, entered) in enumerate(moves):
        following = moves[index + 1] if index + 1 < len(moves) else None
        left = _as_moment(following[2]) if following and following[0] == use_case_id else None
        if left is not None and left.date() < since:
            continue
        until = left.date() if left else TODAY
        stays.setdefault(stage, []).append((until - _as_moment(entered).date()).days)
    flow = {f.stage: f for f in view.flow}
    assert sum(f.stays for f in view.flow) > 50
    for stage, f in flow.items():
        assert f.stays == len(stays.get(stage, [])), stage
        assert f.median_days == (float(median(stays[stage])) if stays.get(stage) else None), stage
