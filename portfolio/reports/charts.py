"""Charts for the board report, drawn offline: Altair specifications rendered to SVG (for the HTML file) or PNG
(for the PDF) by vl-convert, which bundles its own renderer and fonts, so nothing is fetched at run time."""

import re
from typing import Any

import altair as alt
import pandas as pd

from portfolio.models import STAGE_ORDER, KpiStatus, Stage
from portfolio.reports.compare import MOVEMENTS, UNCHANGED, Comparison

STAGE_COLOURS = {
    Stage.proposed: "#9aa5b1",
    Stage.assessed: "#4c78a8",
    Stage.pilot: "#f58518",
    Stage.scale_up: "#7b5ea7",
    Stage.production: "#2e8b57",
    Stage.retired: "#6b6b6b",
    Stage.rejected: "#c0392b",
    Stage.stopped: "#e45756",
}
STATUS_COLOURS = {
    KpiStatus.achieved: "#2e8b57",
    KpiStatus.on_track: "#4c78a8",
    KpiStatus.at_risk: "#f58518",
    KpiStatus.off_track: "#c0392b",
    KpiStatus.no_recent_data: "#9aa5b1",
}
FONT = "Liberation Sans, Arial, sans-serif"
WIDTH = 460


def _styled(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_title(fontSize=15, anchor="start", color="#1f2933", offset=10)
        .configure_axis(labelFontSize=12, titleFontSize=12, labelColor="#3e4c59", titleColor="#3e4c59")
        .configure_legend(labelFontSize=12, titleFontSize=12)
    )


def funnel(totals: dict[str, Any]) -> alt.Chart:
    """Use cases by stage, pipeline stages in order and the exits after them."""
    stages = [*STAGE_ORDER, Stage.rejected, Stage.stopped]
    data = pd.DataFrame([{"stage": s.label, "use_cases": totals["by_stage"][s.value]} for s in stages])
    return _styled(
        alt.Chart(data, title="Use cases by stage")
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("stage:N", title=None, sort=[s.label for s in stages]),
            x=alt.X("use_cases:Q", title="Use cases", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "stage:N",
                legend=None,
                scale=alt.Scale(domain=[s.label for s in stages], range=[STAGE_COLOURS[s] for s in stages]),
            ),
            tooltip=[alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("use_cases:Q", title="Use cases")],
        )
        .properties(width=WIDTH, height=210)
    )


# A chart of thousands of dots is unreadable (and past Altair's inline limit): a large portfolio's matrix shows
# an even sample (every n-th use case by key), as the overview's does, so the chart keeps the portfolio's shape,
# and its title says how many of how many.
MATRIX_POINTS = 500


def matrix(use_cases: list[dict[str, Any]], impact_threshold: float, risk_threshold: float) -> alt.LayerChart:
    """Scored use cases that are still active, on impact against risk (an even sample of at most
    MATRIX_POINTS when there are more)."""
    scored = pd.DataFrame(
        [
            {
                "key": c["key"],
                "title": c["title"],
                "stage": Stage(c["stage"]).label,
                "impact": c["impact"],
                "risk": c["risk"],
            }
            for c in use_cases
            if c["impact"] is not None and c["risk"] is not None and c["active"]
        ],
        columns=["key", "title", "stage", "impact", "risk"],
    )
    title = "Active use cases: impact against risk"
    if len(scored) > MATRIX_POINTS:
        every = len(scored)
        scored = scored.sort_values("key").iloc[:: -(-every // MATRIX_POINTS)]
        title = f"An even sample of {len(scored):,} of {every:,} active use cases: impact against risk"
    active = [s for s in STAGE_ORDER if s != Stage.retired]
    dots = (
        alt.Chart(scored)
        .mark_circle(size=90, opacity=0.85, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("risk:Q", title="Risk (0–100)", scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("impact:Q", title="Impact (0–100)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "stage:N",
                title="Stage",
                scale=alt.Scale(domain=[s.label for s in active], range=[STAGE_COLOURS[s] for s in active]),
                legend=alt.Legend(orient="right"),
            ),
            tooltip=["key:N", "title:N", "stage:N", "impact:Q", "risk:Q"],
        )
    )
    lines = alt.Chart(pd.DataFrame({"risk": [risk_threshold], "impact": [impact_threshold]}))
    corners = pd.DataFrame(
        [
            {"risk": 3, "impact": 97, "text": "Quick wins", "align": "left"},
            {"risk": 97, "impact": 97, "text": "Strategic bets", "align": "right"},
            {"risk": 3, "impact": 3, "text": "Experiments", "align": "left"},
            {"risk": 97, "impact": 3, "text": "Avoid or rethink", "align": "right"},
        ]
    )
    labels = [
        alt.Chart(corners[corners["align"] == side])
        .mark_text(align=side, baseline="middle", fontSize=11, fontWeight="bold", color="#8c8c8c")
        .encode(x="risk:Q", y="impact:Q", text="text:N")
        for side in ("left", "right")
    ]
    return _styled(
        alt.layer(
            lines.mark_rule(strokeDash=[4, 4], color="#9aa5b1").encode(x="risk:Q"),
            lines.mark_rule(strokeDash=[4, 4], color="#9aa5b1").encode(y="impact:Q"),
            *labels,
            dots,
        ).properties(title=title, width=380, height=300)
    )


def kpi_health(totals: dict[str, Any]) -> alt.Chart:
    statuses = list(KpiStatus)
    data = pd.DataFrame([{"status": s.label, "kpis": totals["kpi_health"][s.value]} for s in statuses])
    return _styled(
        alt.Chart(data, title="KPIs of pilots, scale-ups and live use cases, by status")
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("status:N", title=None, sort=[s.label for s in statuses]),
            x=alt.X("kpis:Q", title="KPIs", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "status:N",
                legend=None,
                scale=alt.Scale(
                    domain=[s.label for s in statuses], range=[STATUS_COLOURS[s] for s in statuses]
                ),
            ),
            tooltip=[alt.Tooltip("status:N", title="Status"), alt.Tooltip("kpis:Q", title="KPIs")],
        )
        .properties(width=WIDTH, height=150)
    )


def movements(comparison: Comparison) -> alt.Chart:
    """Use cases that moved between two snapshots, by how they moved; the unchanged are counted in the title
    (they would dwarf the moves)."""
    counts = comparison.counts
    unchanged = int(counts.loc[counts["movement"] == UNCHANGED, "use_cases"].sum())
    data = counts[(counts["use_cases"] > 0) & (counts["movement"] != UNCHANGED)]
    title = alt.TitleParams(
        f"What moved between {comparison.before_quarter} and {comparison.after_quarter}",
        subtitle=f"{unchanged} use cases stayed in their stage",
        subtitleFontSize=12,
        subtitleColor="#52606d",
    )
    return _styled(
        alt.Chart(data, title=title)
        .mark_bar(cornerRadiusEnd=3, color="#4c78a8")
        .encode(
            y=alt.Y("movement:N", title=None, sort=list(MOVEMENTS)),
            x=alt.X("use_cases:Q", title="Use cases", axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("movement:N", title="Movement"),
                alt.Tooltip("use_cases:Q", title="Use cases"),
            ],
        )
        .properties(width=WIDTH, height=max(60, 26 * len(data)))
    )


_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def svg(chart: alt.TopLevelMixin, prefix: str) -> str:
    """The chart as inline SVG for an HTML page. Namespace declarations are dropped (HTML does not need them)
    so the file holds no web address at all; ids get `prefix`, since every chart numbers its clip paths from 1
    and one page holds several charts."""
    import vl_convert

    drawn = _NAMESPACES.sub("", vl_convert.vegalite_to_svg(chart.to_dict())).replace("xlink:href", "href")
    drawn = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', drawn)
    drawn = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", drawn)
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', drawn)


def png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_dict(), scale=scale)
