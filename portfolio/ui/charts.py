"""Altair charts: titled, labelled, with tooltips, readable in light and dark themes. Stages and KPI statuses
have one palette each (below), used by every chart, so a colour means the same thing on every page."""

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from portfolio.labels import unit_name
from portfolio.models import EXIT_STAGES, STAGE_ORDER, KpiStatus, LessonCategory, LessonOutcome, Stage

# Whether a chart is checked against the Vega-Lite schema as it is drawn. The charts are built here, from
# typed channels, so they are valid by construction; the check costs 5-10 ms a chart on every rerun (a tenth
# of the Overview's time at ten thousand use cases). The tests switch it on (tests/conftest.py), so every
# chart a page test draws is checked.
CHECK_AGAINST_SCHEMA = False


class _Drawn:
    """A chart as st.altair_chart takes it, turned into its Vega-Lite spec checked or not as set above
    (Streamlit asks a chart only for its spec)."""

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self._chart = chart

    def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("validate", CHECK_AGAINST_SCHEMA)
        return self._chart.to_dict(*args, **kwargs)


def draw(chart: alt.TopLevelMixin, **options: Any) -> Any:
    """st.altair_chart(chart, **options), checking the chart against the schema only where set above."""
    return st.altair_chart(_Drawn(chart), **options)  # type: ignore[arg-type]


# Mid-tone colours that read on a light and a dark background; the names follow portfolio.ui.format's
# badge colours (gray, blue, orange, violet, green, red).
STAGE_PALETTE: dict[Stage, str] = {
    Stage.proposed: "#8c9aab",
    Stage.assessed: "#4c78a8",
    Stage.pilot: "#f58518",
    Stage.scale_up: "#9c6ade",
    Stage.production: "#54a24b",
    Stage.retired: "#b9b0a7",
    Stage.rejected: "#e45756",
    Stage.stopped: "#b3404a",
}
STATUS_PALETTE: dict[KpiStatus, str] = {
    KpiStatus.achieved: "#54a24b",
    KpiStatus.on_track: "#4c78a8",
    KpiStatus.at_risk: "#f58518",
    KpiStatus.off_track: "#e45756",
    KpiStatus.no_recent_data: "#8c9aab",
}
STATUS_ORDER = (
    KpiStatus.off_track,
    KpiStatus.at_risk,
    KpiStatus.no_recent_data,
    KpiStatus.on_track,
    KpiStatus.achieved,
)


def stage_colour(field: str = "stage_label:N", title: str = "Stage", **kwargs: object) -> alt.Color:
    """Colour by stage label, with the stage palette and the stages in their order."""
    stages = [*STAGE_ORDER, *EXIT_STAGES]
    return alt.Color(
        field,
        title=title,
        sort=[s.label for s in stages],
        scale=alt.Scale(domain=[s.label for s in stages], range=[STAGE_PALETTE[s] for s in stages]),
        **kwargs,
    )


def status_colour(field: str = "status_label:N", title: str = "KPI status", **kwargs: object) -> alt.Color:
    """Colour by KPI status label, with the status palette, worst first."""
    return alt.Color(
        field,
        title=title,
        sort=[s.label for s in STATUS_ORDER],
        scale=alt.Scale(
            domain=[s.label for s in STATUS_ORDER], range=[STATUS_PALETTE[s] for s in STATUS_ORDER]
        ),
        **kwargs,
    )


def kpi_trend(
    measurements: pd.DataFrame,
    *,
    name: str,
    unit: str,
    baseline: float | None,
    target: float | None,
    title: str = "Results against baseline and target",
) -> alt.LayerChart:
    """A KPI's measurements over time with its baseline and target as reference lines."""
    # A short axis title: a long one squeezes the plot (the KPI's name is the chart's title).
    axis_title = unit_name(unit) if unit else "Value"
    line = (
        alt.Chart(measurements)
        .mark_line(point=alt.OverlayMarkDef(size=30))
        .encode(
            x=alt.X("measured_on:T", title="Date"),
            y=alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("measured_on:T", title="Date"),
                alt.Tooltip("value:Q", title=name, format=",.2f"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
    )
    references = pd.DataFrame(
        [{"line": "Baseline", "value": baseline}, {"line": "Target", "value": target}]
    ).dropna()
    rules = (
        alt.Chart(references)
        .mark_rule(strokeDash=[6, 4], strokeWidth=2)
        .encode(
            y=alt.Y("value:Q"),
            color=alt.Color(
                "line:N",
                title=None,
                scale=alt.Scale(domain=["Baseline", "Target"], range=["#8c8c8c", "#2ca02c"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("line:N", title="Reference"),
                alt.Tooltip("value:Q", title="Value", format=",.2f"),
            ],
        )
    )
    # Height is given to st.altair_chart: Streamlit squashes a layered chart that sets its own height.
    return alt.layer(line, rules).properties(title=title)


def impact_risk_matrix(
    points: pd.DataFrame, *, impact_threshold: float, risk_threshold: float
) -> alt.LayerChart:
    """Risk across, impact up; quadrants split at the model's thresholds; colour = stage, size = reach."""
    pick = alt.selection_point(name="pick", fields=["key"], on="click")
    dots = (
        alt.Chart(points)
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("risk:Q", title="Risk (0–100)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("impact:Q", title="Impact (0–100)", scale=alt.Scale(domain=[0, 100])),
            color=stage_colour(),
            size=alt.Size("reach:Q", title="Reach (1–5)", scale=alt.Scale(domain=[1, 5], range=[60, 600])),
            tooltip=[
                alt.Tooltip("key:N", title="Key"),
                alt.Tooltip("title:N", title="Use case"),
                alt.Tooltip("stage_label:N", title="Stage"),
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("impact:Q", title="Impact", format=".0f"),
                alt.Tooltip("risk:Q", title="Risk", format=".0f"),
                alt.Tooltip("quadrant_label:N", title="Quadrant"),
                alt.Tooltip("tier_label:N", title="EU AI Act tier"),
                alt.Tooltip("reviewers:Q", title="Reviewers"),
            ],
        )
        .add_params(pick)
    )
    thresholds = alt.Chart(pd.DataFrame({"risk": [risk_threshold], "impact": [impact_threshold]}))
    vertical = thresholds.mark_rule(strokeDash=[4, 4], color="#8c8c8c").encode(x=alt.X("risk:Q"))
    horizontal = thresholds.mark_rule(strokeDash=[4, 4], color="#8c8c8c").encode(y=alt.Y("impact:Q"))
    corners = pd.DataFrame(
        [
            {"risk": 2, "impact": 98, "text": "Quick wins", "align": "left"},
            {"risk": 98, "impact": 98, "text": "Strategic bets", "align": "right"},
            {"risk": 2, "impact": 2, "text": "Experiments", "align": "left"},
            {"risk": 98, "impact": 2, "text": "Avoid or rethink", "align": "right"},
        ]
    )
    labels = [
        alt.Chart(corners[corners["align"] == side])
        .mark_text(align=side, baseline="middle", fontSize=13, fontWeight="bold", color="#8c8c8c")
        .encode(x=alt.X("risk:Q"), y=alt.Y("impact:Q"), text=alt.Text("text:N"))
        for side in ("left", "right")
    ]
    return alt.layer(vertical, horizontal, *labels, dots).properties(title="Impact against risk")


def snapshot_movements(counts: pd.DataFrame, *, before: str, after: str) -> alt.Chart:
    """How many use cases moved which way between two snapshots (counts already aggregated)."""
    shown = counts[counts["use_cases"] > 0]
    return (
        alt.Chart(shown)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("movement:N", title=None, sort=list(counts["movement"])),
            x=alt.X("use_cases:Q", title="Use cases", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("movement:N", legend=None, scale=alt.Scale(scheme="tableau10")),
            tooltip=[
                alt.Tooltip("movement:N", title="Movement"),
                alt.Tooltip("use_cases:Q", title="Use cases"),
            ],
        )
        .properties(title=f"What moved between {before} and {after}")
    )


OUTCOME_LABELS = [outcome.label for outcome in LessonOutcome]
CATEGORY_LABELS = [category.label for category in LessonCategory]


def lesson_trend(counts: pd.DataFrame) -> alt.Chart:
    """Lessons per quarter, stacked by category, one panel per outcome: where failures come from, over time."""
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("quarter:O", title="Quarter recorded", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(lessons):Q", title="Lessons", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "category_label:N", title="Category", legend=alt.Legend(orient="bottom", columns=3)
            ),
            column=alt.Column("outcome_label:N", title=None, sort=OUTCOME_LABELS),
            tooltip=[
                alt.Tooltip("quarter:O", title="Quarter"),
                alt.Tooltip("outcome_label:N", title="Outcome"),
                alt.Tooltip("category_label:N", title="Category"),
                alt.Tooltip("sum(lessons):Q", title="Lessons"),
            ],
        )
        .properties(title="Lessons by category and outcome over time", width=250, height=220)
    )
