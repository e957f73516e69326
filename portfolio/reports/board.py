"""What the board report says, as plain text and rows, shared by its HTML and PDF forms."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from portfolio import labels
from portfolio.models import Gate, GateOutcome, KpiStatus, LessonOutcome, PilotDecision, Stage
from portfolio.quarters import quarter_of
from portfolio.reports.compare import Comparison, headline


def _count_change(change: float | None, unit: str = "") -> str:
    if change is None:
        return "no earlier quarter to compare"
    if change == 0:
        return "no change"
    return f"{'+' if change > 0 else '−'}{abs(change):,.0f}{unit} since last quarter"


def _money_change(change: float | None) -> str:
    if change is None:
        return "no earlier quarter to compare"
    if change == 0:
        return "no change"
    return f"{'+' if change > 0 else '−'}{labels.money_short(abs(change))} since last quarter"


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    change: str
    note: str = ""


@dataclass(frozen=True)
class BoardReport:
    title: str
    subtitle: str
    headlines: list[Headline]
    purgatory: list[list[str]]
    kpi_concerns: list[list[str]]
    trust_gaps: list[list[str]]
    trust_summary: str
    decisions: list[list[str]]
    reviews: list[list[str]]
    lessons: list[list[str]]
    comparison: Comparison | None
    checksum: str
    footer: str


def _delta(now: dict[str, Any], before: dict[str, Any] | None, name: str) -> float | None:
    if before is None or now.get(name) is None or before.get(name) is None:
        return None
    return now[name] - before[name]


def _headline(figure: dict[str, Any], note: str) -> Headline:
    """One of the overview's headline figures as a card: its value and its change since last quarter."""
    value, then, unit = figure["value"], figure["previous"], figure["unit"]
    change = None if value is None or then is None else value - then
    if unit == "EUR":
        shown = labels.NOT_MEASURED if value is None else labels.money_short(value)
        return Headline(figure["label"], shown, _money_change(change), note)
    if unit == "%":
        shown = "—" if value is None else f"{value:.0f}%"
        return Headline(figure["label"], shown, _count_change(change, " points"), note)
    return Headline(figure["label"], "—" if value is None else f"{value:,.0f}", _count_change(change), note)


def board_report(
    content: dict[str, Any], checksum: str, previous: dict[str, Any] | None, comparison: Comparison | None
) -> BoardReport:
    totals = content["totals"]
    before = previous["totals"] if previous else None
    figures = headline(content)
    bases = {f["previous_basis"] for f in figures.values() if f["previous_basis"]}
    last_quarter = quarter_of(date.fromisoformat(content["as_of"])).previous().label
    if bases == {f"snapshot {last_quarter}"}:
        since = f"compared with the {last_quarter} snapshot"
    elif bases:
        since = f"compared with {last_quarter} as recorded in the history"
    else:
        since = "with nothing earlier to compare with"
    notes = {
        "value_per_year": "active use cases whose value is measured, from business KPIs",
        "net_value_first_year": "12 × (value − running cost) − one-off cost, where the value is measured",
        "pilot_decisions_on_time": "pilot decisions due this quarter taken by their decision date",
    }
    headlines = [_headline(figure, notes.get(key, "")) for key, figure in figures.items()]
    headlines.append(
        Headline(
            "Pilots needing a decision",
            f"{totals['pilots_in_purgatory']}",
            _count_change(_delta(totals, before, "pilots_in_purgatory"))
            if before is not None
            else "no earlier snapshot to compare with",
            "decision overdue or over the time limit",
        )
    )
    cases = content["use_cases"]
    purgatory = [
        [
            c["key"],
            c["title"],
            c["owner"],
            f"{c['days_in_stage']}",
            labels.day(c["decision_on"]),
            "; ".join(c["flags"]),
        ]
        for c in sorted(cases, key=lambda c: -c["days_in_stage"])
        if c["stage"] == Stage.pilot and c["flags"]
    ]
    # The first stage listed for each key, as a scan of the list would find it (a dict: thousands of KPIs).
    stage_of: dict[str, str] = {}
    for c in cases:
        stage_of.setdefault(c["key"], c["stage"])
    concerns = [
        [k["key"], k["use_case"], k["kpi"], labels.label(KpiStatus, k["status"], "")]
        for k in content["kpis"]
        if k["status"] in (KpiStatus.off_track, KpiStatus.no_recent_data)
        and stage_of.get(k["key"]) in (Stage.pilot, Stage.scale_up, Stage.production)
    ]
    trust = totals["trust"]
    trust_summary = (
        f"{trust['customer_facing']} active use cases meet customers. {trust['without_trust_kpi']} have no trust "
        f"KPI, {trust['customers_not_told']} do not tell customers that AI is involved, "
        f"{trust['no_path_to_person']} offer no path to a person, and {trust['trust_kpis_off_track']} trust "
        "KPIs are off track."
    )
    trust_rows = [
        [t["key"], t["title"], labels.label(Stage, t["stage"], ""), "; ".join(t["gaps"])]
        for t in content["trust"]
        if t["gaps"]
    ]
    decisions = [
        [
            labels.day(d["decided_on"]),
            d["key"],
            d["use_case"],
            f"{labels.label(Gate, d['gate'])}: {labels.label(GateOutcome, d['outcome'])}",
            d["decided_by"],
            d["rationale"],
        ]
        for d in content["gate_decisions"]
    ]
    reviews = [
        [
            labels.day(r["decided_on"]),
            r["key"],
            r["use_case"],
            labels.label(PilotDecision, r["decision"], ""),
            r["reason"],
        ]
        for r in content["pilot_reviews"]
    ]
    order = {LessonOutcome.failure: 0, LessonOutcome.partial: 1, LessonOutcome.success: 2}
    lessons = [
        [
            lesson["key"],
            lesson["title"],
            labels.label(LessonOutcome, lesson["outcome"], ""),
            lesson["do_differently"] or lesson["happened"],
        ]
        for lesson in sorted(content["lessons"], key=lambda item: order.get(item["outcome"], 3))
    ]
    return BoardReport(
        title=f"AI portfolio: board report for {content['quarter']}",
        subtitle=f"The portfolio as it stood on {labels.day(content['as_of'])}, {since}. "
        f"Snapshot taken by {content['taken_by']} on {labels.day(content['taken_at'])}.",
        headlines=headlines,
        purgatory=purgatory,
        kpi_concerns=concerns,
        trust_gaps=trust_rows,
        trust_summary=trust_summary,
        decisions=decisions,
        reviews=reviews,
        lessons=lessons,
        comparison=comparison,
        checksum=checksum,
        footer=f"Snapshot {content['quarter']} · SHA-256 {checksum} · verified when this report was made.",
    )
