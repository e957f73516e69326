"""The board report as a PDF of a few pages (ReportLab): the same content as the HTML report, charts as images.
The font is Bitstream Vera, shipped inside ReportLab, so accents and the euro sign print without any system
font. Text is escaped: ReportLab paragraphs would otherwise read typed text as markup."""

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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

FONTS = Path(reportlab.__file__).parent / "fonts"
INK, MUTED, RULE, HEADER = (
    colors.HexColor("#1f2933"),
    colors.HexColor("#52606d"),
    colors.HexColor("#e4e7eb"),
    colors.HexColor("#e8eef7"),
)
PAGE_WIDTH = A4[0] - 32 * mm


def _register_fonts() -> None:
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(FONTS / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("Vera-Bold", str(FONTS / "VeraBd.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Vera", fontSize=8.5, leading=11, textColor=INK)
    return {
        "title": ParagraphStyle("title", base, fontName="Vera-Bold", fontSize=18, leading=22, spaceAfter=4),
        "lead": ParagraphStyle("lead", base, fontSize=9.5, leading=13, textColor=MUTED, spaceAfter=8),
        "h2": ParagraphStyle(
            "h2", base, fontName="Vera-Bold", fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=5
        ),
        "body": ParagraphStyle("body", base, fontSize=9, leading=12, spaceAfter=4),
        "cell": base,
        "head": ParagraphStyle("head", base, fontName="Vera-Bold"),
        "card_label": ParagraphStyle("card_label", base, fontSize=8, textColor=MUTED),
        "card_value": ParagraphStyle("card_value", base, fontName="Vera-Bold", fontSize=16, leading=20),
        "card_change": ParagraphStyle("card_change", base, fontSize=7.5, leading=9.5),
        "empty": ParagraphStyle("empty", base, textColor=MUTED, fontSize=8.5),
        "more": ParagraphStyle("more", base, textColor=MUTED, fontSize=8.5, spaceBefore=2, spaceAfter=4),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _chart(chart: Any, width: float) -> Image:
    data = charts.png(chart)
    image = Image(io.BytesIO(data))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth, image.drawHeight = width, width * ratio
    return image


def _table(words: ListWords, rows: Rows, widths: list[float], s: dict) -> list[Any]:
    if not rows.total:
        return [_p(words.empty, s["empty"])]
    data = [[_p(h, s["head"]) for h in words.headings]] + [
        [_p(cell, s["cell"]) for cell in row] for row in rows.shown
    ]
    total = sum(widths)
    table = Table(data, colWidths=[PAGE_WIDTH * w / total for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    more = more_line(rows)
    return [table, _p(more, s["more"])] if more else [table]


def _cards(report: BoardReport, s: dict) -> Table:
    cells = [
        [
            _p(h.label, s["card_label"]),
            _p(h.value, s["card_value"]),
            _p(h.change, s["card_change"]),
            _p(h.note, s["card_label"]),
        ]
        for h in report.headlines
    ]
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    table = Table(rows, colWidths=[PAGE_WIDTH / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def board_pdf(report: BoardReport, content: dict[str, Any]) -> bytes:
    _register_fonts()
    s = _styles()
    totals, settings = content["totals"], content["settings"]
    story: list[Any] = [
        _p(report.title, s["title"]),
        _p(report.subtitle, s["lead"]),
        _p("Headline figures", s["h2"]),
        _cards(report, s),
        _p("The pipeline", s["h2"]),
        _chart(charts.funnel(totals), PAGE_WIDTH * 0.7),
    ]
    if report.comparison is not None:
        story.append(_chart(charts.movements(report.comparison), PAGE_WIDTH * 0.7))
    story += [
        KeepTogether([_p("KPI health", s["h2"]), _chart(charts.kpi_health(totals), PAGE_WIDTH * 0.7)]),
        CondPageBreak(120 * mm),
        _p("Impact and risk", s["h2"]),
        _chart(
            charts.matrix(content["use_cases"], settings["impact_threshold"], settings["risk_threshold"]),
            PAGE_WIDTH * 0.75,
        ),
        _p("KPIs off track or without recent data", s["h2"]),
        *_table(KPI_CONCERNS, report.kpi_concerns, [1.5, 4, 4, 1.8], s),
        _p("Trust", s["h2"]),
        _p(report.trust_summary, s["body"]),
        *_table(TRUST_GAPS, report.trust_gaps, [1.5, 4, 1.4, 4], s),
        _p("Pilots needing a decision", s["h2"]),
        *_table(PURGATORY, report.purgatory, [1.5, 3.4, 1.9, 1, 1.6, 3.6], s),
        _p("Decisions of the quarter", s["h2"]),
        *_table(DECISIONS, report.decisions, [1.6, 1.5, 2.6, 1.7, 1.6, 4.4], s),
        *_table(REVIEWS, report.reviews, [1.6, 1.5, 2.8, 1.9, 5], s),
        _p("Lessons of the quarter", s["h2"]),
        *_table(LESSONS, report.lessons, [1.5, 3.4, 1.5, 6], s),
        Spacer(1, 6 * mm),
    ]

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Vera", 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(16 * mm, 9 * mm, f"{report.title} · SHA-256 {report.checksum}")
        canvas.drawRightString(A4[0] - 16 * mm, 9 * mm, f"Page {document.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=report.title,
        author=content["taken_by"],
        subject=f"Quarterly AI portfolio snapshot {content['quarter']}",
        invariant=1,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
