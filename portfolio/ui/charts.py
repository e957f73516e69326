"""Altair charts: titled, labelled, with tooltips, readable in light and dark themes."""

import altair as alt
import pandas as pd


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
    axis_title = unit or "Value"
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
            y="value:Q",
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


STAGE_ORDER_LABELS = [
    "Proposed",
    "Assessed",
    "Pilot",
    "Scale-up",
    "Production",
    "Retired",
    "Rejected",
    "Stopped",
]


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
            color=alt.Color(
                "stage_label:N",
                title="Stage",
                sort=STAGE_ORDER_LABELS,
                scale=alt.Scale(domain=STAGE_ORDER_LABELS, scheme="tableau10"),
            ),
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
    vertical = thresholds.mark_rule(strokeDash=[4, 4], color="#8c8c8c").encode(x="risk:Q")
    horizontal = thresholds.mark_rule(strokeDash=[4, 4], color="#8c8c8c").encode(y="impact:Q")
    corners = pd.DataFrame(
        [
            {"risk": 2, "impact": 98, "text": "Quick wins", "align": "left"},
            {"risk": 98, "impact": 98, "text": "Strategic bets: pilot with safeguards", "align": "right"},
            {"risk": 2, "impact": 2, "text": "Experiments", "align": "left"},
            {"risk": 98, "impact": 2, "text": "Avoid or rethink", "align": "right"},
        ]
    )
    labels = [
        alt.Chart(corners[corners["align"] == side])
        .mark_text(align=side, baseline="middle", fontSize=13, fontWeight="bold", color="#8c8c8c")
        .encode(x="risk:Q", y="impact:Q", text="text:N")
        for side in ("left", "right")
    ]
    return alt.layer(vertical, horizontal, *labels, dots).properties(title="Impact against risk")
