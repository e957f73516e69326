"""Altair charts: titled, labelled, with tooltips, readable in light and dark themes."""

import altair as alt
import pandas as pd


def kpi_trend(
    measurements: pd.DataFrame, *, name: str, unit: str, baseline: float | None, target: float | None
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
    return alt.layer(line, rules).properties(title="Results against baseline and target")
