"""The board report as one self-contained HTML file: styles inline, charts as inline SVG, no script, font or
image fetched from anywhere, so it opens offline and in a mail attachment. Every text is escaped."""

from html import escape
from typing import Any

from portfolio.reports import charts
from portfolio.reports.board import (
    DECISIONS,
    KPI_CONCERNS,
    LESSONS,
    PURGATORY,
    REVIEWS,
    TRUST_GAPS,
    BoardReport,
    ListWords,
    Rows,
    more_line,
)

STYLE = """
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: #1f2933; margin: 0; background: #f5f7fa; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 40px 48px; background: white; }
h1 { font-size: 26px; margin: 0 0 6px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e4e7eb; }
p.lead { color: #52606d; margin: 0 0 22px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.card { border: 1px solid #e4e7eb; border-radius: 8px; padding: 12px 14px; }
.card .label { font-size: 13px; color: #52606d; }
.card .value { font-size: 26px; font-weight: 600; margin: 2px 0; }
.card .change { font-size: 12px; color: #3e4c59; }
.card .note { font-size: 11px; color: #7b8794; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 12px; }
th { text-align: left; background: #e8eef7; padding: 6px 8px; }
td { padding: 5px 8px; border-bottom: 1px solid #e4e7eb; vertical-align: top; white-space: pre-wrap; }
.empty { color: #7b8794; font-style: italic; }
.more { color: #52606d; font-size: 13px; margin: -6px 0 12px; }
footer { margin-top: 36px; font-size: 11px; color: #7b8794; word-break: break-all; }
@media print { body { background: white; } main { padding: 0; } h2 { break-after: avoid; } }
"""


def _table(words: ListWords, rows: Rows) -> str:
    if not rows.total:
        return f'<p class="empty">{escape(words.empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in words.headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows.shown
    )
    more = more_line(rows)
    rest = f'<p class="more">{escape(more)}</p>' if more else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{rest}"


def board_html(report: BoardReport, content: dict[str, Any]) -> bytes:
    totals = content["totals"]
    settings = content["settings"]
    cards = "".join(
        f'<div class="card"><div class="label">{escape(h.label)}</div><div class="value">{escape(h.value)}</div>'
        f'<div class="change">{escape(h.change)}</div><div class="note">{escape(h.note)}</div></div>'
        for h in report.headlines
    )
    movement = ""
    if report.comparison is not None:
        movement = charts.svg(charts.movements(report.comparison), "movements")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="lead">{escape(report.subtitle)}</p>',
        '<h2>Headline figures</h2><div class="cards">' + cards + "</div>",
        "<h2>The pipeline</h2>",
        '<div class="charts">' + charts.svg(charts.funnel(totals), "funnel") + movement + "</div>",
        "<h2>Impact and risk</h2>",
        charts.svg(
            charts.matrix(content["use_cases"], settings["impact_threshold"], settings["risk_threshold"]),
            "matrix",
        ),
        "<h2>KPI health</h2>",
        charts.svg(charts.kpi_health(totals), "kpis"),
        _table(KPI_CONCERNS, report.kpi_concerns),
        "<h2>Trust</h2>",
        f"<p>{escape(report.trust_summary)}</p>",
        _table(TRUST_GAPS, report.trust_gaps),
        "<h2>Pilots needing a decision</h2>",
        _table(PURGATORY, report.purgatory),
        "<h2>Decisions of the quarter</h2>",
        _table(DECISIONS, report.decisions),
        _table(REVIEWS, report.reviews),
        "<h2>Lessons of the quarter</h2>",
        _table(LESSONS, report.lessons),
        f"<footer>{escape(report.footer)}</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts).encode("utf-8")
