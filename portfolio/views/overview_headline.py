"""The overview's headline figures: this quarter's beside last quarter's, the latter frozen in last quarter's
snapshot when one was taken, else counted from the history with the same queries and rules (which a
snapshot of a past day also uses, so the app, the snapshot and the board report never disagree)."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from portfolio.kpis import monthly_value, net_value_first_year
from portfolio.labels import plural
from portfolio.lifecycle import ACTIVE
from portfolio.models import Snapshot, SnapshotStatus, Stage
from portfolio.quarters import quarter_of, start_of_day
from portfolio.services.results import hourly_rate
from portfolio.views import overview_history as history
from portfolio.views import overview_queries as q
from portfolio.views.overview_model import Drill, Figure, OverviewFilter, SubsetCollector, previous_figures

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


def value_figures(
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


def measured_words(measured: int, of: int) -> str:
    if not of:
        return ""
    if not measured:
        return "No active use case measures its value yet, so it is not measured (rather than €0)."
    return (
        f"Value measured for {measured} of the {plural(of, 'active use case')}; the others are not measured, "
        "and are left out rather than counted as €0."
    )


def decisions_on_time(
    session: Session, scope: q.Scope, start: datetime, end: datetime, due_before: date
) -> tuple[float | None, list[str]]:
    """Share (0–100) of the pilot decisions due in [start, end) taken by the pilot's decision date: pilots
    that left the pilot stage then (on time when on or before the charter's decision date), and pilots still
    in pilot at the end whose decision date had passed (late). None when no decision was due."""
    exits = history.pilot_exits_between(session, scope, start, end)
    waiting = history.pilots_overdue_at(session, scope, end, due_before)
    keys = [key for key, _, _ in exits] + waiting
    if not keys:
        return None, []
    on_time = sum(1 for _, left, due in exits if due is None or left.date() <= due)
    return round(100 * on_time / len(keys), 1), keys


def headline(
    session: Session,
    scope: q.Scope,
    filters: OverviewFilter,
    today: date,
    by_stage: dict[str, int],
    build: SubsetCollector,
) -> list[Figure]:
    quarter = quarter_of(today)
    previous = quarter.previous()
    tomorrow = start_of_day(today + timedelta(days=1))
    rate = hourly_rate(session)

    value_now, net_now, valued, measured, of = value_figures(q.value_now(session, scope), rate)
    on_time_now, due_now = decisions_on_time(session, scope, quarter.starts_at, tomorrow, today)
    stopped_now = history.stopped_between(session, scope, quarter.starts_at, tomorrow)
    # Last quarter's figures: frozen in its snapshot when one was taken (unfiltered only), else counted from
    # the history; the history is not read when the snapshot has them all.
    snapshot = previous_snapshot(session, previous.label) if filters.is_empty else None
    frozen = previous_figures(snapshot) if snapshot is not None else {}
    if all(key in frozen for key in HEADLINE_LABELS):
        last_quarter, basis = dict(frozen), dict.fromkeys(frozen, "")
    else:
        last_quarter = figures_as_of(session, scope, previous.last_day, rate)
        basis = {key: "history" if value is not None else "" for key, value in last_quarter.items()}
    for key in frozen:
        last_quarter[key], basis[key] = frozen[key], f"snapshot {previous.label}"

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
        "month (latest values, hours at the hourly rate), times twelve. " + measured_words(measured, of),
        "net_value_first_year": "Per active use case whose value is measured: 12 × (value − running cost) − "
        "one-off cost; added up. " + measured_words(measured, of),
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
            last_quarter[key],
            basis[key],
            explanations[key],
            drill,
        )
        for key, (value, unit, drill) in values.items()
    ]


def figures_as_of(session: Session, scope: q.Scope, day: date, rate: float) -> dict[str, float | None]:
    """The headline figures as the portfolio stood at the end of `day`, from the history ("this quarter" is
    `day`'s quarter)."""
    quarter = quarter_of(day)
    cutoff = start_of_day(day + timedelta(days=1))
    then = history.counts_by_stage_as_of(session, scope, cutoff)
    if not then:
        return dict.fromkeys(HEADLINE_LABELS)
    value, net, *_ = value_figures(history.value_as_of(session, scope, cutoff, day), rate)
    on_time, _ = decisions_on_time(session, scope, quarter.starts_at, cutoff, day + timedelta(days=1))

    def count(stages: tuple[str, ...]) -> int:
        return sum(then.get(s, 0) for s in stages)

    return {
        "active": count(tuple(s.value for s in ACTIVE)),
        "pilots": count((Stage.pilot.value,)),
        "scaled_or_live": count((Stage.scale_up.value, Stage.production.value)),
        "stopped_this_quarter": len(history.stopped_between(session, scope, quarter.starts_at, cutoff)),
        "value_per_year": value,
        "net_value_first_year": net,
        "pilot_decisions_on_time": on_time,
    }


def previous_snapshot(session: Session, quarter_label: str) -> dict[str, Any] | None:
    """The headline figures frozen in the quarter's current snapshot, as `previous_figures` reads them (only
    the headline is read: the whole snapshot is some 20 MB at ten thousand use cases); None without one."""
    content = col(Snapshot.content)
    row = session.exec(
        select(content["headline"], content[("overview", "headline")])
        .where(Snapshot.quarter == quarter_label, Snapshot.status == SnapshotStatus.current)
        .order_by(col(Snapshot.taken_at).desc())
    ).first()
    if row is None:
        return None
    headline, nested = row
    return {"headline": headline} if headline is not None else {"overview": {"headline": nested}}
