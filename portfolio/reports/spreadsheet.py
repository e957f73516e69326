"""The one writer for every file meant for a spreadsheet (CSV and Excel), in the app and on the command line.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is taken by Excel, LibreOffice and
Google Sheets for a formula, so text from people or imported files could run one (OWASP's "CSV injection").
Every text cell goes through `safe_cell`, which prefixes such text with an apostrophe so it shows as typed.
Numbers, dates and booleans are written as what they are."""

import csv
import io
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should store it: text that a spreadsheet would run as a formula gets a
    leading apostrophe; missing values (None, NaN, NaT) become empty; everything else is unchanged."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore_cell(text: str) -> str:
    """The text `safe_cell` wrote, read back: the apostrophe it put before a formula character is dropped,
    as a spreadsheet does on display, so an exported file imports back exactly as typed."""
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _text(value: Any) -> str:
    value = safe_cell(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def csv_text(rows: Iterable[Mapping[str, Any]] | pd.DataFrame, columns: list[str] | None = None) -> str:
    """CSV text, every cell made safe. `columns` picks and orders the columns (default: all, as given)."""
    if isinstance(rows, pd.DataFrame):
        columns = columns or [str(c) for c in rows.columns]
        records: Iterable[Mapping[str, Any]] = rows.to_dict("records")
    else:
        records = list(rows)
        columns = columns or (list(records[0].keys()) if records else [])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(c) for c in columns])
    for record in records:
        writer.writerow([_text(record.get(c)) for c in columns])
    return buffer.getvalue()


def csv_bytes(
    rows: Iterable[Mapping[str, Any]] | pd.DataFrame, columns: list[str] | None = None, *, bom: bool = True
) -> bytes:
    """CSV as UTF-8 bytes, with a byte-order mark by default so Excel reads accents and euro signs right."""
    return ((UTF8_BOM if bom else "") + csv_text(rows, columns)).encode("utf-8")


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame],
    *,
    widths: Mapping[str, Mapping[str, int]] | None = None,
    column_formats: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
    frozen_columns: Mapping[str, int] | None = None,
) -> bytes:
    """An Excel workbook, one sheet per frame: bold headers, the header row frozen, columns sized to their
    content, dates as dates and numbers as numbers. Text is never taken for a formula.

    `column_formats` adds XlsxWriter format properties to a column's cells (sheet -> column -> properties,
    e.g. `{"num_format": "#,##0"}` or `{"text_wrap": True}`); `frozen_columns` keeps that many columns in view
    beside the header row (e.g. a key and a title)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": True,
        },
    )
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    day_format = workbook.add_format({"num_format": "d mmm yyyy"})
    time_format = workbook.add_format({"num_format": "d mmm yyyy hh:mm"})
    formats: dict[tuple[str, str, str], Any] = {}

    def cell_format(sheet_name: str, column: str, kind: str) -> Any:
        """The format for a cell of `kind` (day, time or plain) in a column: the column's own properties, with
        the date pattern for dates. Found once per column and kind: a large snapshot writes hundreds of
        thousands of cells."""
        found = (sheet_name, column, kind)
        if found in formats:
            return formats[found]
        extra = dict((column_formats or {}).get(sheet_name, {}).get(column, {}))
        if not extra:
            formats[found] = {"day": day_format, "time": time_format}.get(kind)
            return formats[found]
        if kind == "day":
            extra["num_format"] = "d mmm yyyy"
        elif kind == "time":
            extra["num_format"] = "d mmm yyyy hh:mm"
        formats[found] = workbook.add_format(extra)
        return formats[found]

    for sheet_name, frame in sheets.items():
        sheet = workbook.add_worksheet(sheet_name[:31])
        columns = [str(c) for c in frame.columns]
        for col, name in enumerate(columns):
            sheet.write_string(0, col, name, header)
        column_widths = [max(8, min(len(name) + 2, 40)) for name in columns]
        for row_index, record in enumerate(frame.itertuples(index=False), start=1):
            for col, raw in enumerate(record):
                value = safe_cell(raw)
                if value is None:
                    sheet.write_blank(row_index, col, None)
                    continue
                if type(value) is str:  # the commonest cell first
                    sheet.write_string(row_index, col, value, cell_format(sheet_name, columns[col], "plain"))
                    width = min(len(value), 60)
                elif isinstance(value, datetime):
                    sheet.write_datetime(
                        row_index,
                        col,
                        value.replace(tzinfo=None),
                        cell_format(sheet_name, columns[col], "time"),
                    )
                    width = 18
                elif isinstance(value, date):
                    sheet.write_datetime(
                        row_index,
                        col,
                        datetime(value.year, value.month, value.day),
                        cell_format(sheet_name, columns[col], "day"),
                    )
                    width = 12
                elif isinstance(value, bool):
                    sheet.write_boolean(row_index, col, value, cell_format(sheet_name, columns[col], "plain"))
                    width = 6
                elif isinstance(value, int | float) and math.isfinite(value):
                    sheet.write_number(row_index, col, value, cell_format(sheet_name, columns[col], "plain"))
                    width = len(f"{value:,.2f}")
                else:
                    text = str(value)
                    sheet.write_string(row_index, col, text, cell_format(sheet_name, columns[col], "plain"))
                    width = min(len(text), 60)
                if width + 2 > column_widths[col]:
                    column_widths[col] = min(width + 2, 60)
        custom = (widths or {}).get(sheet_name, {})
        final_widths = [custom.get(name, column_widths[col]) for col, name in enumerate(columns)]
        for col, width in enumerate(final_widths):
            sheet.set_column(col, col, width)
        frozen = (frozen_columns or {}).get(sheet_name, 0)
        sheet.freeze_panes(1, frozen)
        _set_up_printing(sheet, sheet_name, sum(final_widths), frozen)
        if columns:
            sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    workbook.close()
    return buffer.getvalue()


# Column widths (in characters) that still read well on one landscape A4 page once Excel shrinks them.
_ONE_PAGE_WIDE = 220


def _set_up_printing(sheet: Any, sheet_name: str, total_width: float, frozen_columns: int) -> None:
    """Print settings for a board pack: landscape A4, the header row (and the frozen key columns) on every
    page, a footer naming the sheet and the page. A sheet narrow enough is shrunk to one page wide; a wider
    one prints across pages at a legible size rather than shrinking to unreadable type."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    if total_width <= _ONE_PAGE_WIDE:
        sheet.fit_to_pages(1, 0)
    else:
        sheet.set_print_scale(75)
        if frozen_columns:
            sheet.repeat_columns(0, frozen_columns - 1)
    sheet.set_footer(f"&L{sheet_name[:31].replace('&', '&&')}&RPage &P of &N")
