"""Reading a CSV or Excel file as people send it: any common encoding and separator, quoted fields over
several lines, a chosen sheet. Problems with the file as a whole raise `ImportFileError` with a sentence
that says what to fix; problems with single rows are kept for the dry run's refusal report."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from portfolio.errors import PortfolioError
from portfolio.reports.spreadsheet import restore_cell

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
ENCODINGS_TRIED = ("utf-8", "cp1252", "latin-1")
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


class ImportFileError(PortfolioError):
    """The file cannot be read as a table at all; nothing was imported."""


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    problem: str


@dataclass
class SourceTable:
    """A file read as text cells: unique column names in order, and the data rows with their row numbers."""

    name: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]
    kind: str  # "csv" or "xlsx"
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f"Excel workbook, sheet “{self.sheet}”, {len(self.rows):,} data rows"
        return (
            f"CSV, {self.encoding} text, {SEPARATOR_NAMES.get(self.separator or ',', 'comma')}-separated, "
            f"{len(self.rows):,} data rows"
        )


def is_excel(data: bytes, name: str = "") -> bool:
    return data.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))


def read_table(
    data: bytes, name: str, *, sheet: str | None = None, encoding: str | None = None
) -> SourceTable:
    """The file as a table, or ImportFileError saying why it cannot be one."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"{name} is {len(data) / 1024 / 1024:.0f} MB; files up to {MAX_BYTES // 1024 // 1024} MB can be "
            "imported. Split it into smaller files, or remove columns you do not need."
        )
    if not data.strip():
        raise ImportFileError(f"{name} is empty: there is nothing to import.")
    if data.startswith(OLD_EXCEL_MAGIC):
        raise ImportFileError(
            f"{name} is an old-style Excel file (.xls). Open it in Excel and save it as .xlsx or CSV, then import that."
        )
    if is_excel(data, name):
        return _read_xlsx(data, name, sheet)
    return _read_csv(data, name, encoding)


# --- CSV ---------------------------------------------------------------------------------------------------


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding used: the one named, else UTF-8 (with or without a byte-order mark),
    else Windows-1252, else Latin-1 (which reads any byte)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise ImportFileError(
                f"“{encoding}” is not an encoding this tool knows; try utf-8, cp1252 or latin-1."
            ) from None
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{name} cannot be read as {encoding} (byte {error.start:,} does not fit); "
                "leave the encoding empty to detect it, or name another."
            ) from None
    if b"\x00" in data[:65536]:
        raise ImportFileError(
            f"{name} is not a text file (it holds binary data). Import a CSV file or an Excel workbook (.xlsx)."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8"
    for candidate in ENCODINGS_TRIED:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"{name} cannot be read as text.")  # pragma: no cover (latin-1 reads any byte)


def detect_separator(text: str) -> str:
    """The separator that splits the first records into the most columns, the same number in each."""
    sample = text[:200_000]
    best, best_score = ",", -1.0
    for separator in SEPARATORS:
        try:
            widths = [
                len(r)
                for _, r in zip(range(30), csv.reader(io.StringIO(sample), delimiter=separator), strict=False)
            ]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0]) / len(widths)
        score = consistent * 1000 + widths[0]
        if score > best_score:
            best, best_score = separator, score
    return best


def _read_csv(data: bytes, name: str, encoding: str | None) -> SourceTable:
    text, used = decode(data, name, encoding)
    separator = detect_separator(text)
    csv.field_size_limit(MAX_BYTES)
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        for record in reader:
            if len(records) > MAX_ROWS:
                raise ImportFileError(f"{name} has more than {MAX_ROWS:,} rows; split it into smaller files.")
            records.append((len(records) + 1, record))
    except csv.Error as error:
        raise ImportFileError(
            f"{name} is not a well-formed CSV file near line {reader.line_num:,}: {error}. "
            "Check that quotes around text are closed."
        ) from None
    return _table_from_records(records, name, kind="csv", encoding=used, separator=separator)


# --- Excel -------------------------------------------------------------------------------------------------


def sheet_names(data: bytes, name: str) -> list[str]:
    return _open_workbook(data, name).sheetnames


def _open_workbook(data: bytes, name: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            f"{name} is not a readable Excel workbook ({type(error).__name__}). "
            "Open it in Excel and save it again as .xlsx, or export it as CSV."
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> SourceTable:
    workbook = _open_workbook(data, name)
    names = list(workbook.sheetnames)
    chosen = sheet or names[0]
    if chosen not in names:
        raise ImportFileError(f"{name} has no sheet “{chosen}”; its sheets are: {', '.join(names)}.")
    records: list[tuple[int, list[str]]] = []
    formulas: list[tuple[int, int, str]] = []
    for row_number, row in enumerate(workbook[chosen].iter_rows(), start=1):
        if row_number > MAX_ROWS + 1:
            raise ImportFileError(f"Sheet “{chosen}” has more than {MAX_ROWS:,} rows; split it.")
        cells = []
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((row_number, index, str(cell.value)))
                cells.append("")
            else:
                cells.append(_cell_text(cell.value))
        records.append((row_number, cells))
    workbook.close()
    table = _table_from_records(records, name, kind="xlsx", sheet=chosen, sheets=names)
    for row_number, index, formula in formulas:
        column = table.columns[index] if index < len(table.columns) else f"column {index + 1}"
        table.problems.append(
            RowProblem(
                row_number,
                column,
                f"holds a formula ({formula[:40]}); the import takes values, not formulas: "
                "copy the cells and paste them as values, then import again",
            )
        )
    return table


# --- both --------------------------------------------------------------------------------------------------


def _table_from_records(
    records: list[tuple[int, list[str]]], name: str, *, kind: str, **details: object
) -> SourceTable:
    # Blank lines (and the empty rows Excel keeps at the end of a sheet) are not records.
    records = [(n, cells) for n, cells in records if any(str(c).strip() for c in cells)]
    if not records:
        raise ImportFileError(f"{name} is empty: there is nothing to import.")
    _header_row, header = records[0]
    while header and not str(header[-1]).strip():
        header = header[:-1]
    columns, notices = unique_columns([str(h) for h in header])
    if not any(c.strip() for c in columns) or len(columns) < 1:
        raise ImportFileError(f"{name} has no column names in its first row.")
    data_rows = records[1:]
    if not data_rows:
        raise ImportFileError(
            f"{name} has a header row ({len(columns)} columns) but no data rows: there is nothing to import."
        )
    table = SourceTable(name=name, columns=columns, rows=[], kind=kind, notices=notices, **details)  # type: ignore[arg-type]
    for row_number, cells in data_rows:
        cells = [str(c) for c in cells]
        extra = [c for c in cells[len(columns) :] if c.strip()]
        if extra:
            table.problems.append(
                RowProblem(
                    row_number,
                    "",
                    f"has {len(columns) + len(extra)} values but the header names {len(columns)} columns "
                    "(a separator inside an unquoted value, or a missing quote?)",
                )
            )
        cells = (cells + [""] * len(columns))[: len(columns)]
        table.rows.append((row_number, [restore_cell(c.strip()) for c in cells]))
    return table


def unique_columns(header: list[str]) -> tuple[list[str], list[str]]:
    """Column names made unique, and a notice for each name used more than once. Blank names become
    "Column N"."""
    columns: list[str] = []
    seen: dict[str, list[int]] = {}
    for index, raw in enumerate(header, start=1):
        base = " ".join(raw.split()) or f"Column {index}"
        seen.setdefault(base.casefold(), []).append(index)
        count = len(seen[base.casefold()])
        columns.append(base if count == 1 else f"{base} ({count})")
    notices = [
        f"The column “{columns[positions[0] - 1]}” appears {len(positions)} times (columns "
        f"{', '.join(str(p) for p in positions)}); they are kept apart as "
        f"{', '.join(f'“{columns[p - 1]}”' for p in positions)}."
        for positions in seen.values()
        if len(positions) > 1
    ]
    return columns, notices
