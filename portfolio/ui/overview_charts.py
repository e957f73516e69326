"""The overview's charts. Each takes an already aggregated frame (a few dozen rows at most), colours stages and
KPI statuses with the shared palettes, and names a point selection so a click leads to the use cases behind
the mark."""

import altair as alt
import pandas as pd

from portfolio.ui.charts import stage_colour, status_colour

CLICK_HINT = "Click to see these use cases"


def funnel(frame: pd.DataFrame, stage_order: list[str]) -> alt.LayerChart:
    """Use cases per stage (columns stage, stage_label, count), the pipeline first and the closed stages last."""
    pick = alt.selection_point(name="stage_pick", fields=["stage"], on="click")
    base = alt.Chart(frame).encode(
        y=alt.Y("stage_label:N", title=None, sort=stage_order, axis=alt.Axis(labelOverlap=False)),
        x=alt.X("count:Q", title="Use cases", axis=alt.Axis(tickMinStep=1)),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=stage_colour(legend=None),
        tooltip=[
            alt.Tooltip("stage_label:N", title="Stage"),
            alt.Tooltip("count:Q", title="Use cases", format=","),
            alt.Tooltip("hint:N", title=" "),
        ],
    )
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text("count:Q", format=","))
    return alt.layer(bars.add_params(pick), labels).properties(title="Use cases by stage")


def time_in_stage(frame: pd.DataFrame, stage_order: list[str]) -> alt.LayerChart:
    """Median days in each stage (bars) against the stage's limit (red ticks): columns stage_label,
    median_days, limit_days, stays."""
    base = alt.Chart(frame).encode(
        y=alt.Y("stage_label:N", title=None, sort=stage_order, axis=alt.Axis(labelOverlap=False))
    )
    tooltip = [
        alt.Tooltip("stage_label:N", title="Stage"),
        alt.Tooltip("median_days:Q", title="Median days", format=".0f"),
        alt.Tooltip("limit_days:Q", title="Limit (days)"),
        alt.Tooltip("stays:Q", title="Stays counted", format=","),
    ]
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("median_days:Q", title="Days (median)"), color=stage_colour(legend=None), tooltip=tooltip
    )
    limits = base.mark_tick(color="#e45756", thickness=3, size=22).encode(
        x=alt.X("limit_days:Q"), tooltip=tooltip
    )
    return alt.layer(bars, limits).properties(title="Median time in stage (red: the stage's limit)")


def kpi_health(frame: pd.DataFrame, stage_order: list[str]) -> alt.Chart:
    """Use cases per stage by their worst KPI status: columns stage, stage_label, status, status_label,
    severity, count."""
    pick = alt.selection_point(name="status_pick", fields=["stage", "status"], on="click")
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("stage_label:N", title=None, sort=stage_order, axis=alt.Axis(labelOverlap=False)),
            x=alt.X("count:Q", title="Use cases", axis=alt.Axis(tickMinStep=1)),
            color=status_colour(legend=alt.Legend(orient="bottom", title=None, columns=5)),
            order=alt.Order("severity:Q"),
            tooltip=[
                alt.Tooltip("stage_label:N", title="Stage"),
                alt.Tooltip("status_label:N", title="Worst KPI status"),
                alt.Tooltip("count:Q", title="Use cases", format=","),
                alt.Tooltip("hint:N", title=" "),
            ],
        )
        .add_params(pick)
        .properties(title="Pilots and scaled use cases by their worst KPI status")
    )


def balance(frame: pd.DataFrame, *, title: str, axis_title: str) -> alt.Chart:
    """Use cases per sector, team or tier, split by stage: columns value, value_label, stage, stage_label,
    count."""
    pick = alt.selection_point(name="balance_pick", fields=["value", "stage"], on="click")
    order = frame.groupby("value_label")["count"].sum().sort_values(ascending=False).index.tolist()
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                "value_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=180, labelOverlap=False)
            ),
            x=alt.X("count:Q", title="Use cases", axis=alt.Axis(tickMinStep=1)),
            color=stage_colour(legend=alt.Legend(orient="bottom", title=None, columns=4)),
            order=alt.Order("stage_rank:Q"),
            tooltip=[
                alt.Tooltip("value_label:N", title=axis_title),
                alt.Tooltip("stage_label:N", title="Stage"),
                alt.Tooltip("count:Q", title="Use cases", format=","),
                alt.Tooltip("hint:N", title=" "),
            ],
        )
        .add_params(pick)
        .properties(title=title)
    )


def small_matrix(points: pd.DataFrame, *, impact_threshold: float, risk_threshold: float) -> alt.LayerChart:
    """Active scored use cases by impact and risk (columns key, title, stage_label, impact, risk,
    quadrant_label), coloured by stage, split at the quadrant thresholds."""
    pick = alt.selection_point(name="point_pick", fields=["key"], on="click")
    dots = (
        alt.Chart(points)
        .mark_circle(size=110, opacity=0.85, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("risk:Q", title="Risk (0–100)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("impact:Q", title="Impact (0–100)", scale=alt.Scale(domain=[0, 100])),
            color=stage_colour(legend=alt.Legend(orient="bottom", title=None)),
            tooltip=[
                alt.Tooltip("key:N", title="Key"),
                alt.Tooltip("title:N", title="Use case"),
                alt.Tooltip("stage_label:N", title="Stage"),
                alt.Tooltip("impact:Q", title="Impact", format=".0f"),
                alt.Tooltip("risk:Q", title="Risk", format=".0f"),
                alt.Tooltip("quadrant_label:N", title="Quadrant"),
            ],
        )
        .add_params(pick)
    )
    thresholds = alt.Chart(pd.DataFrame({"risk": [risk_threshold], "impact": [impact_threshold]}))
    vertical = thresholds.mark_rule(strokeDash=[4, 4], color="#8c8c8c").encode(x=alt.X("risk:Q"))
    horizontal = thresholds.mark_rule(strokeDash=[4, 4], color="#8c8c8c").encode(y=alt.Y("impact:Q"))
    return alt.layer(vertical, horizontal, dots).properties(title="Impact against risk (active use cases)")
