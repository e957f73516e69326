"""The board report of a generated portfolio stays a few pages: each list shows its most important rows up to
its cap and says how many more the Excel export holds; the workbook keeps every row."""

import io
import re
from html import unescape

import openpyxl
import pytest
from pypdf import PdfReader
from sqlmodel import Session

from portfolio import db
from portfolio.models import Stage
from portfolio.reports.board import ROWS_SHOWN, TEXT_ROWS_SHOWN
from portfolio.reports.snapshot_export import export_snapshot
from portfolio.services import people, snapshots
from tests.conftest import ADMIN_EMAIL
from tests.services.generated import generated_portfolio
from tests.services.test_snapshots import THIS_QUARTER

TABLE = re.compile(
    r"<table><thead><tr>(.*?)</tr></thead><tbody>(.*?)</tbody></table>(?:<p class=\"more\">(.*?)</p>)?", re.S
)


@pytest.fixture(scope="module")
def exported(backend, migrated_url, tmp_path_factory):
    for engine in generated_portfolio(backend, migrated_url, tmp_path_factory):
        with db.unit_of_work(engine) as session:
            actor = people.actor_for(session, ADMIN_EMAIL)
            snapshots.take_snapshot(session, actor, THIS_QUARTER.label)
        with Session(engine) as session:
            snapshot = snapshots.get_snapshot(session, THIS_QUARTER.label)
            files = {fmt: export_snapshot(session, snapshot, fmt).data for fmt in ("html", "pdf", "xlsx")}
            yield files, snapshot.content


def _expected(content: dict) -> dict[str, int]:
    """How many rows each list of the report has in all, counted from the snapshot's rows."""
    active = {c["key"] for c in content["use_cases"] if c["stage"] in ("pilot", "scale_up", "production")}
    return {
        "Days in pilot": sum(1 for c in content["use_cases"] if c["stage"] == Stage.pilot and c["flags"]),
        "KPI": sum(
            1
            for k in content["kpis"]
            if k["status"] in ("off_track", "no_recent_data") and k["key"] in active
        ),
        "Gaps": sum(1 for t in content["trust"] if t["gaps"]),
        "Rationale": len(content["gate_decisions"]),
        "What we would do differently": len(content["lessons"]),
    }


def _tables(html: str) -> dict[str, tuple[list[list[str]], str | None]]:
    """Each table of the HTML report by a header only it has: its rows' cells and the line under it."""
    found = {}
    for head, body, more in TABLE.findall(html):
        headers = [unescape(h) for h in re.findall(r"<th>(.*?)</th>", head)]
        rows = [
            [unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]
        column = next(
            h
            for h in ("Days in pilot", "KPI", "Gaps", "Rationale", "What we would do differently", "Reason")
            if h in headers
        )
        found[column] = (rows, unescape(more) if more else None)
    return found


def test_each_list_shows_its_cap_and_says_how_many_more_the_workbook_holds(exported):
    files, content = exported
    tables = _tables(files["html"].decode("utf-8"))
    expected = _expected(content)
    caps = {"Rationale": TEXT_ROWS_SHOWN, "What we would do differently": TEXT_ROWS_SHOWN}
    longer = [column for column, total in expected.items() if total > caps.get(column, ROWS_SHOWN)]
    assert {"Days in pilot", "KPI", "Gaps", "Rationale"} <= set(
        longer
    )  # the generated portfolio is large enough
    for column, total in expected.items():
        cap = caps.get(column, ROWS_SHOWN)
        if total == 0:
            assert column not in tables
            continue
        rows, more = tables[column]
        assert len(rows) == min(total, cap), column
        if total > cap:
            assert more == f"and {total - cap:,} more — see the Excel export"
        else:
            assert more is None, column


def test_the_most_important_rows_come_first(exported):
    files, content = exported
    tables = _tables(files["html"].decode("utf-8"))
    rows, _ = tables["Days in pilot"]
    shown_days = [int(row[3].replace(",", "")) for row in rows]
    assert shown_days == sorted(shown_days, reverse=True)
    hidden = [
        c["days_in_stage"]
        for c in content["use_cases"]
        if c["stage"] == Stage.pilot and c["flags"] and c["key"] not in {row[0] for row in rows}
    ]
    assert max(hidden) <= min(shown_days)
    rows, _ = tables["KPI"]
    statuses = [row[3] for row in rows]
    assert statuses == sorted(statuses, key=lambda s: s != "Off track")
    rows, _ = tables["Gaps"]
    gaps = [len(row[3].split("; ")) for row in rows]
    assert gaps == sorted(gaps, reverse=True)
    rows, _ = tables["Rationale"]
    gates = [row[3].split(":")[0] for row in rows]
    order = ["Production", "Scale-up", "Pilot"]
    assert gates == sorted(gates, key=order.index)


def test_the_pdf_keeps_to_a_few_pages_with_the_same_lines(exported):
    files, content = exported
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert len(reader.pages) <= 4
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    caps = {"Rationale": TEXT_ROWS_SHOWN, "What we would do differently": TEXT_ROWS_SHOWN}
    for column, total in _expected(content).items():
        line = f"and {total - caps.get(column, ROWS_SHOWN):,} more — see the Excel export"
        assert (line in text) == (total > caps.get(column, ROWS_SHOWN)), column


def test_the_workbook_keeps_every_row(exported):
    files, content = exported
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    for sheet, rows in (
        ("Use cases", content["use_cases"]),
        ("KPIs", content["kpis"]),
        ("Trust", content["trust"]),
        ("Gate decisions", content["gate_decisions"]),
    ):
        assert book[sheet].max_row - 1 == len(rows), sheet
