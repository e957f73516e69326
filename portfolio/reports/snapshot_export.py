"""A snapshot exported: Excel workbook, CSV files in a zip, the board report as HTML or PDF. Every export
reads a verified snapshot (and the previous quarter's, for the changes), so a tampered one is never sent out."""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from portfolio.errors import InvalidInput
from portfolio.models import Snapshot
from portfolio.reports import snapshot_tables
from portfolio.reports.board import board_report
from portfolio.reports.compare import Comparison, compare
from portfolio.reports.spreadsheet import csv_bytes, xlsx_bytes
from portfolio.services.snapshots import get_snapshot_by_id, previous_snapshot

FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("zip", "application/zip"),
    "html": ("html", "text/html"),
    "pdf": ("pdf", "application/pdf"),
}
FORMAT_WORDS = {
    "xlsx": "Excel workbook",
    "csv": "CSV files (zip)",
    "html": "Board report (HTML)",
    "pdf": "Board report (PDF)",
}
MONEY = {"num_format": "#,##0"}
WRAP = {"text_wrap": True, "valign": "top"}
COLUMN_FORMATS: dict[str, dict[str, dict[str, Any]]] = {
    "Summary": {
        "Value": {"num_format": "#,##0", "align": "left"},
        "Previous quarter": {"num_format": "#,##0"},
        "Change": {"num_format": "+#,##0;-#,##0;0"},
    },
    "Use cases": {
        "Value per month (EUR)": MONEY,
        "Running cost per month (EUR)": MONEY,
        "One-off cost (EUR)": MONEY,
        "Net value, first year (EUR)": MONEY,
    },
    "Gate decisions": {"Rationale": WRAP},
    "Pilot reviews": {"Reason": WRAP},
    "Stage moves": {"Reason": WRAP},
    "Lessons": {"What happened": WRAP, "What we would do differently": WRAP},
    "Movements": {"Value per month change (EUR)": {"num_format": "+#,##0;-#,##0;0"}},
}
WIDTHS = {
    "Summary": {"Figure": 44, "Value": 22, "Previous quarter": 16, "Change": 12, "Previous from": 24},
    "Use cases": {"Use case": 44, "Needs attention": 40, "Trust gaps": 36},
    "Gate decisions": {"Rationale": 70},
    "Lessons": {"What happened": 60, "What we would do differently": 60},
}
FROZEN = {"Use cases": 2, "KPIs": 3, "Trust": 2, "Movements": 2}


@dataclass(frozen=True)
class Export:
    data: bytes
    file_name: str
    mime: str


def check_format(name: Any) -> str:
    cleaned = name.strip().lower() if isinstance(name, str) else ""
    if cleaned not in FORMATS:
        raise InvalidInput(
            {"format": f"{name!s:.20} is not an export format: choose xlsx, csv, html or pdf."}
        )
    return cleaned


def _context(
    session: Session, snapshot: Snapshot
) -> tuple[dict[str, Any], dict[str, Any] | None, Comparison | None]:
    """`snapshot` (verified when it was read: get_snapshot, get_snapshot_by_id) with the previous quarter's."""
    content = snapshot.content
    earlier = previous_snapshot(session, snapshot)
    previous = earlier.content if earlier is not None else None
    return content, previous, compare(previous, content) if previous is not None else None


def workbook(
    content: dict[str, Any], previous: dict[str, Any] | None, comparison: Comparison | None
) -> bytes:
    return xlsx_bytes(
        snapshot_tables.sheets(content, previous, comparison),
        widths=WIDTHS,
        column_formats=COLUMN_FORMATS,
        frozen_columns=FROZEN,
    )


def csv_zip(content: dict[str, Any], previous: dict[str, Any] | None, comparison: Comparison | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in snapshot_tables.sheets(content, previous, comparison).items():
            file_name = name.lower().replace(" ", "_") + ".csv"
            archive.writestr(file_name, csv_bytes(frame))
    return buffer.getvalue()


def export_snapshot(session: Session, snapshot: Snapshot, fmt: str) -> Export:
    """The snapshot in `fmt` (xlsx, csv, html or pdf), made in memory: nothing is written anywhere."""
    fmt = check_format(fmt)
    content, previous, comparison = _context(session, snapshot)
    if fmt == "xlsx":
        data = workbook(content, previous, comparison)
    elif fmt == "csv":
        data = csv_zip(content, previous, comparison)
    else:
        report = board_report(content, snapshot.checksum, previous, comparison)
        if fmt == "html":
            from portfolio.reports.board_html import board_html

            data = board_html(report, content)
        else:
            from portfolio.reports.board_pdf import board_pdf

            data = board_pdf(report, content)
    return Export(data, *file_name_and_mime(snapshot.quarter, fmt))


def file_name_and_mime(quarter: str, fmt: str) -> tuple[str, str]:
    """The name a snapshot's file in `fmt` is saved under, and its media type."""
    extension, mime = FORMATS[check_format(fmt)]
    stem = "portfolio-snapshot" if fmt in ("xlsx", "csv") else "board-report"
    return f"{stem}-{quarter}.{extension}", mime


def export_made_on_click(engine: Engine, snapshot_id: int, fmt: str) -> Callable[[], bytes]:
    """The snapshot's file in `fmt`, made when called: a download button calls it on its own thread when
    pressed, outside the page's run (so it opens its own session), rather than on every visit to the page;
    a board report of ten thousand use cases takes many seconds to lay out."""

    def made() -> bytes:
        with Session(engine) as session:
            return export_by_id(session, snapshot_id, fmt).data

    return made


def export_by_id(session: Session, snapshot_id: int, fmt: str) -> Export:
    return export_snapshot(session, get_snapshot_by_id(session, snapshot_id), fmt)
