"""The shared writer for spreadsheets neutralises formulas; typed text is escaped for Markdown."""

import csv
import io
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from portfolio.reports.spreadsheet import csv_bytes, safe_cell, xlsx_bytes
from portfolio.ui.text import plain

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tx", "\rx"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_prefixes_are_written_as_text(value: str) -> None:
    assert safe_cell(value) == "'" + value
    rows = list(csv.reader(io.StringIO(csv_bytes([{"title": value}]).decode("utf-8-sig"), newline="")))
    assert rows == [["title"], ["'" + value]]


def test_numbers_dates_and_missing_values_are_kept_as_what_they_are() -> None:
    assert safe_cell(-3) == -3
    assert safe_cell(float("nan")) is None
    assert safe_cell(None) is None
    text = csv_bytes([{"n": -3.0, "d": date(2026, 5, 7), "x": None}]).decode("utf-8-sig")
    assert text.splitlines()[1] == "-3,2026-05-07,"


def test_csv_starts_with_a_byte_order_mark_for_excel() -> None:
    assert csv_bytes([{"a": "é"}]).startswith(b"\xef\xbb\xbf")
    assert not csv_bytes([{"a": "é"}], bom=False).startswith(b"\xef\xbb\xbf")


def test_workbook_keeps_formulas_out_and_types_in(tmp_path) -> None:
    frame = pd.DataFrame({"title": HOSTILE[:4], "value": [1.5, 2, None, 4], "on": [date(2026, 5, 7)] * 4})
    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx_bytes({"Use cases": frame}))
    import openpyxl

    sheet = openpyxl.load_workbook(path)["Use cases"]
    assert [c.value for c in sheet[1]] == ["title", "value", "on"]
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])
    assert sheet["A2"].value == "'" + HOSTILE[0]
    assert sheet["B2"].value == 1.5 and sheet["B4"].value is None
    assert sheet["C2"].value.date() == date(2026, 5, 7)
    assert sheet.freeze_panes == "A2"


def test_workbook_prints_for_a_board_pack(tmp_path) -> None:
    """Landscape A4 with the header row on every page; a narrow sheet fits one page wide, a wide one keeps a
    legible size and repeats its frozen key columns instead of shrinking to unreadable type."""
    narrow = pd.DataFrame({"Figure": ["Active use cases"], "Value": [28]})
    wide = pd.DataFrame({f"Column {i}": ["x" * 30] for i in range(12)})
    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx_bytes({"Summary": narrow, "Use cases": wide}, frozen_columns={"Use cases": 2}))
    import openpyxl

    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows.replace("$", "") == "1:1"
        assert sheet.title in sheet.oddFooter.left.text
    assert book["Summary"].sheet_properties.pageSetUpPr.fitToPage
    assert book["Summary"].page_setup.fitToWidth in (1, None)
    assert not (
        book["Use cases"].sheet_properties.pageSetUpPr
        and book["Use cases"].sheet_properties.pageSetUpPr.fitToPage
    )
    assert book["Use cases"].print_title_cols.replace("$", "") == "A:B"


def _rendered_text(markdown: str) -> str:
    tokens = MarkdownIt("commonmark").parseInline(markdown)
    return "".join(
        child.content
        if child.type == "text"
        else "\n"
        if child.type in {"hardbreak", "softbreak"}
        else "\x00"
        for token in tokens
        for child in token.children or []
    )


def test_markup_is_shown_as_typed() -> None:
    title = "Assistant **bold** :red[x] <b>tag</b> $$x^2$$ [a](javascript:alert(1)) # _u_"
    assert _rendered_text(plain(title)) == title


@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r\n\x00"), max_size=80))
def test_any_single_line_renders_back_to_itself(text: str) -> None:
    assert _rendered_text(plain(text)).replace("\u00a0", " ") == text
