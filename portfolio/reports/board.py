"""What the board report says, as plain text and rows, shared by its HTML and PDF forms. Each list shows its
most important rows first and stops at a few (a board reads pages, not 10,000 rows); the line under it says how
many more the Excel export holds."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from portfolio import labels
from portfolio.models import Gate, GateOutcome, KpiStatus, LessonOutcome, PilotDecision, Stage
from portfolio.quarters import quarter_of
from portfolio.reports.compare import Comparison, headline
from portfolio.shortlist import Shortlist, first

# Rows each list shows before "and N more": the report stays at a few pages whatever the portfolio's size.
ROWS_SHOWN = 10
TEXT_ROWS_SHOWN = 6  # decisions, reviews and lessons carry a paragraph each

Rows = Shortlist[list[str]]
GATE_WEIGHT = {Gate.production: 0, Gate.scale_up: 1, Gate.pilot: 2}  # the later gate, the bigger decision
STAGE_WEIGHT = {Stage.production: 0, Stage.scale_up: 1, Stage.pilot: 2}  # the more exposed, the more urgent
STATUS_WEIGHT = {KpiStatus.off_track: 0, KpiStatus.no_recent_data: 1}
OUTCOME_WEIGHT = {LessonOutcome.failure: 0, LessonOutcome.partial: 1, LessonOutcome.success: 2}


@dataclass(frozen=True)
class ListWords:
    """A list of the report as every form of it shows it (HTML, PDF, the Quarterly snapshots page)."""

    headings: list[str]
    empty: str  # said instead of a table when the list has no rows


KPI_CONCERNS = ListWords(
    ["Key", "Use case", "KPI", "Status"],
    "No KPI of a pilot, scale-up or live use case is off track or without recent data.",
)
TRUST_GAPS = ListWords(["Key", "Use case", "Stage", "Gaps"], "No trust gaps.")
PURGATORY = ListWords(
    ["Key", "Use case", "Owner", "Days in pilot", "Decision date", "Why"],
    "No pilot is past its decision date or over the time limit.",
)
DECISIONS = ListWords(
    ["Date", "Key", "Use case", "Decision", "By", "Rationale"], "No gate decision was recorded this quarter."
)
REVIEWS = ListWords(
    ["Date", "Key", "Use case", "Pilot review", "Reason"], "No pilot review was recorded this quarter."
)
LESSONS = ListWords(
    ["Key", "Lesson", "Outcome", "What we would do differently"], "No lesson was recorded this quarter."
)


def more_line(rows: Rows) -> str | None:
    """The line under a shortened list: "and 1,234 more — see the Excel export"."""
    return labels.more(rows.more, " — see the Excel export") if rows.more else None


def _newest_first(items: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: item[field] or "", reverse=True)


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
    purgatory: Rows
    kpi_concerns: Rows
    trust_gaps: Rows
    trust_summary: str
    decisions: Rows
    reviews: Rows
    lessons: Rows
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
            f"{totals['pilots_in_purgatory']:,}",
            _count_change(_delta(totals, before, "pilots_in_purgatory"))
            if before is not None
            else "no earlier snapshot to compare with",
            "decision overdue or over the time limit",
        )
    )
    trust = totals["trust"]
    trust_summary = (
        f"{trust['customer_facing']:,} active use cases meet customers. {trust['without_trust_kpi']:,} have no "
        f"trust KPI, {trust['customers_not_told']:,} do not tell customers that AI is involved, "
        f"{trust['no_path_to_person']:,} offer no path to a person, and {trust['trust_kpis_off_track']:,} trust "
        "KPIs are off track."
    )
    return BoardReport(
        title=f"AI portfolio: board report for {content['quarter']}",
        subtitle=f"The portfolio as it stood on {labels.day(content['as_of'])}, {since}. "
        f"Snapshot taken by {content['taken_by']} on {labels.day(content['taken_at'])}.",
        headlines=headlines,
        purgatory=_purgatory(content["use_cases"]),
        kpi_concerns=_kpi_concerns(content["use_cases"], content["kpis"]),
        trust_gaps=_trust_gaps(content["trust"]),
        trust_summary=trust_summary,
        decisions=_decisions(content["gate_decisions"]),
        reviews=_reviews(content["pilot_reviews"]),
        lessons=_lessons(content["lessons"]),
        comparison=comparison,
        checksum=checksum,
        footer=f"Snapshot {content['quarter']} · SHA-256 {checksum} · verified when this report was made.",
    )


def _purgatory(cases: list[dict[str, Any]]) -> Rows:
    """Pilots past their decision date or over the limit: the longest in pilot first, then the most overdue."""
    flagged = [c for c in cases if c["stage"] == Stage.pilot and c["flags"]]
    flagged.sort(key=lambda c: (-c["days_in_stage"], c["decision_on"] or "9999-12-31", c["key"]))
    shown = first(flagged, ROWS_SHOWN)
    rows = [
        [
            c["key"],
            c["title"],
            c["owner"],
            f"{c['days_in_stage']:,}",
            labels.day(c["decision_on"]),
            "; ".join(c["flags"]),
        ]
        for c in shown.shown
    ]
    return Shortlist(rows, shown.total)


def _kpi_concerns(cases: list[dict[str, Any]], kpis: list[dict[str, Any]]) -> Rows:
    """KPIs off track or without recent data of pilots, scale-ups and live use cases: off track first, then
    those of live use cases (what customers meet now) before scale-ups and pilots."""
    # The first stage listed for each key, as a scan of the list would find it (a dict: thousands of KPIs).
    stage_of: dict[str, str] = {}
    for c in cases:
        stage_of.setdefault(c["key"], c["stage"])
    concerns = [k for k in kpis if k["status"] in STATUS_WEIGHT and stage_of.get(k["key"]) in STAGE_WEIGHT]
    concerns.sort(key=lambda k: (STATUS_WEIGHT[k["status"]], STAGE_WEIGHT[stage_of[k["key"]]]))
    shown = first(concerns, ROWS_SHOWN)
    rows = [
        [k["key"], k["use_case"], k["kpi"], labels.label(KpiStatus, k["status"], "")] for k in shown.shown
    ]
    return Shortlist(rows, shown.total)


def _trust_gaps(trust: list[dict[str, Any]]) -> Rows:
    """Customer-facing use cases with trust gaps, in the snapshot's order: the most gaps first."""
    shown = first((t for t in trust if t["gaps"]), ROWS_SHOWN)
    rows = [
        [t["key"], t["title"], labels.label(Stage, t["stage"], ""), "; ".join(t["gaps"])] for t in shown.shown
    ]
    return Shortlist(rows, shown.total)


def _decisions(decisions: list[dict[str, Any]]) -> Rows:
    """The quarter's gate decisions: the later the gate, the bigger the decision; then the newest first."""
    ordered = sorted(_newest_first(decisions, "decided_on"), key=lambda d: GATE_WEIGHT.get(d["gate"], 3))
    shown = first(ordered, TEXT_ROWS_SHOWN)
    rows = [
        [
            labels.day(d["decided_on"]),
            d["key"],
            d["use_case"],
            f"{labels.label(Gate, d['gate'])}: {labels.label(GateOutcome, d['outcome'])}",
            d["decided_by"],
            d["rationale"],
        ]
        for d in shown.shown
    ]
    return Shortlist(rows, shown.total)


def _reviews(reviews: list[dict[str, Any]]) -> Rows:
    """The quarter's pilot reviews, the newest first."""
    shown = first(_newest_first(reviews, "decided_on"), TEXT_ROWS_SHOWN)
    rows = [
        [
            labels.day(r["decided_on"]),
            r["key"],
            r["use_case"],
            labels.label(PilotDecision, r["decision"], ""),
            r["reason"],
        ]
        for r in shown.shown
    ]
    return Shortlist(rows, shown.total)


def _lessons(lessons: list[dict[str, Any]]) -> Rows:
    """The quarter's lessons: failures first, then partial successes and successes; the newest first in each."""
    ordered = sorted(
        _newest_first(lessons, "recorded_on"), key=lambda item: OUTCOME_WEIGHT.get(item["outcome"], 3)
    )
    shown = first(ordered, TEXT_ROWS_SHOWN)
    rows = [
        [
            lesson["key"],
            lesson["title"],
            labels.label(LessonOutcome, lesson["outcome"], ""),
            lesson["do_differently"] or lesson["happened"],
        ]
        for lesson in shown.shown
    ]
    return Shortlist(rows, shown.total)
