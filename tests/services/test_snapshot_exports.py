"""Every export of a snapshot read back: the workbook with openpyxl, the zip's CSVs, the PDF's text, the HTML's
references; the comparison; and the `portfolio snapshot` commands with their refusals."""

import csv
import io
import os
import re
import zipfile
from datetime import datetime
from html import escape

import openpyxl
import pytest
from pypdf import PdfReader
from sqlmodel import Session
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.reports import compare as comparing
from portfolio.reports.snapshot_export import export_snapshot
from portfolio.services import snapshots, use_cases
from tests.conftest import counts
from tests.services.test_snapshots import LAST_QUARTER, THIS_QUARTER, take, tamper
from tests.snapshot_fixtures import demo_copy_url, snapshot_demo_template  # noqa: F401

HOSTILE_TITLE = '=HYPERLINK("evil","x") <script>alert(1)</script> **bold** & co'


@pytest.fixture
def demo(demo_copy_url):  # noqa: F811
    engine = db.make_engine(demo_copy_url)
    yield engine
    engine.dispose()


@pytest.fixture
def exported(demo):
    """This quarter taken on the demo, with one use case whose title is a formula and markup."""
    with db.unit_of_work(demo) as session:
        use_case = use_cases.get_use_case(session, "UC-0011")
        use_case.title = HOSTILE_TITLE
        session.add(use_case)
    take(demo)
    with Session(demo) as session:
        snapshot = snapshots.get_snapshot(session, THIS_QUARTER.label)
        return {
            fmt: export_snapshot(session, snapshot, fmt) for fmt in ("xlsx", "csv", "html", "pdf")
        }, snapshot


def test_the_workbook_reads_back_with_every_sheet_dates_and_numbers(exported):
    files, snapshot = exported
    assert files["xlsx"].file_name == f"portfolio-snapshot-{THIS_QUARTER.label}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"].data))
    assert book.sheetnames == [
        "Summary",
        "Use cases",
        "KPIs",
        "Trust",
        "Gate decisions",
        "Pilot reviews",
        "Stage moves",
        "Lessons",
        "Movements",
    ]
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Quarter"][0] == THIS_QUARTER.label
    active = next(f for f in snapshot.content["headline"] if f["key"] == "active")
    assert summary["Active use cases"][:3] == (
        active["value"],
        active["previous"],
        active["value"] - active["previous"],
    )
    assert summary["Active use cases"][3] == f"snapshot {LAST_QUARTER.label}"
    assert summary["Value delivered per year (EUR)"][0] == round(
        next(f for f in snapshot.content["headline"] if f["key"] == "value_per_year")["value"]
    )
    sheet = book["Use cases"]
    assert sheet.freeze_panes == "C2"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Key", "Use case", "Stage"]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == snapshot.content["totals"]["use_cases"]
    first = next(r for r in rows if r["Key"] == "UC-0001")
    assert isinstance(first["In stage since"], datetime)
    assert isinstance(first["Days in stage"], int | float) and isinstance(first["Impact (0-100)"], float)
    assert first["Stage"] == "Scale-up"
    hostile = next(r for r in rows if r["Key"] == "UC-0011")
    assert hostile["Use case"] == "'" + HOSTILE_TITLE
    assert not any(
        isinstance(c.value, str) and c.value.startswith("=")
        for ws in book
        for row in ws.iter_rows()
        for c in row
    )
    movements = [r for r in book["Movements"].iter_rows(min_row=2, values_only=True)]
    assert movements and {r[2] for r in movements} <= set(comparing.MOVEMENTS)


def test_the_zip_holds_one_csv_per_sheet_with_a_bom_and_no_formulas(exported):
    files, snapshot = exported
    archive = zipfile.ZipFile(io.BytesIO(files["csv"].data))
    names = archive.namelist()
    assert (
        "use_cases.csv" in names and "summary.csv" in names and "movements.csv" in names and len(names) == 9
    )
    raw = archive.read("use_cases.csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == snapshot.content["totals"]["use_cases"]
    assert next(r for r in rows if r["Key"] == "UC-0011")["Use case"] == "'" + HOSTILE_TITLE
    kpis = list(csv.DictReader(io.StringIO(archive.read("kpis.csv").decode("utf-8-sig"))))
    assert len(kpis) == len(snapshot.content["kpis"])


def test_the_html_report_is_self_contained_and_shows_typed_text_as_typed(exported):
    files, snapshot = exported
    html = files["html"].data.decode("utf-8")
    assert f"board report for {THIS_QUARTER.label}" in html
    assert html.count("<svg") >= 3  # funnel, movements, matrix, KPI health
    # No script, stylesheet, image or font fetched from anywhere; only plain links could carry an address.
    assert "<script" not in html.replace("&lt;script&gt;", "")
    for match in re.finditer(r"https?://", html):
        before = html[max(0, match.start() - 40) : match.start()]
        assert "<a " in before and "href=" in before, html[match.start() - 80 : match.start() + 40]
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # several inline charts, no clashing clip paths
    assert snapshot.checksum in html
    assert escape(HOSTILE_TITLE) in html and "<script>alert" not in html


def test_the_pdf_report_has_a_few_pages_with_the_figures(exported):
    files, snapshot = exported
    reader = PdfReader(io.BytesIO(files["pdf"].data))
    assert 2 <= len(reader.pages) <= 8
    first = reader.pages[0].extract_text()
    assert f"board report for {THIS_QUARTER.label}" in first
    active = next(f for f in snapshot.content["headline"] if f["key"] == "active")["value"]
    assert "Active use cases" in first and f"\n{active}\n" in f"\n{first}\n"
    assert f"compared with the {LAST_QUARTER.label} snapshot" in first
    everything = " ".join(page.extract_text() for page in reader.pages)
    for heading in (
        "Impact and risk",
        "KPI health",
        "Trust",
        "Pilots needing a decision",
        "Lessons of the quarter",
    ):
        assert heading in everything
    assert snapshot.checksum[:16] in everything


def test_the_comparison_classifies_every_move():
    def content(quarter, stages, statuses=()):
        return {
            "quarter": quarter,
            "use_cases": [
                {
                    "key": k,
                    "title": k,
                    "stage": s,
                    "impact": 50.0,
                    "risk": 40.0,
                    "kpi_health": None,
                    "value_per_month": 10.0,
                }
                for k, s in stages.items()
            ],
            "kpis": [{"key": k, "use_case": k, "kpi": "CSAT", "status": s} for k, s in statuses],
            "headline": [{"key": "active", "label": "Active use cases", "value": len(stages)}],
            "totals": {"kpi_health": {}},
        }

    before = content(
        "2026-Q3",
        {
            "A": "pilot",
            "B": "assessed",
            "C": "pilot",
            "D": "production",
            "E": "proposed",
            "F": "scale_up",
            "G": "pilot",
        },
        [("A", "at_risk"), ("G", "on_track")],
    )
    after = content(
        "2026-Q4",
        {
            "A": "scale_up",
            "B": "pilot",
            "C": "stopped",
            "D": "retired",
            "E": "rejected",
            "F": "pilot",
            "G": "pilot",
            "H": "proposed",
        },
        [("A", "achieved"), ("G", "on_track")],
    )
    result = comparing.compare(before, after)
    moves = dict(zip(result.movements["key"], result.movements["movement"], strict=True))
    assert moves == {
        "A": comparing.SCALED,
        "B": comparing.ADVANCED,
        "C": comparing.STOPPED,
        "D": comparing.RETIRED,
        "E": comparing.REJECTED,
        "F": comparing.MOVED_BACK,
        "G": comparing.UNCHANGED,
        "H": comparing.NEW,
    }
    assert list(result.status_changes["key"]) == ["A"]
    counted = dict(zip(result.counts["movement"], result.counts["use_cases"], strict=True))
    assert counted[comparing.SCALED] == 1 and sum(counted.values()) == 8
    active = result.figures[result.figures["figure"] == "Active use cases"].iloc[0]
    assert (active["before"], active["after"], active["change"]) == (7, 8, 1)
    assert result.movements["stage_before"].isna().sum() == 1 and None in list(
        result.movements["stage_before"]
    )


def test_the_compared_figures_read_in_their_units_and_keep_their_numbers():
    def content(quarter, active, value, on_time, on_track):
        return {
            "quarter": quarter,
            "use_cases": [],
            "kpis": [],
            "headline": [
                {"key": "active", "label": "Active use cases", "value": active, "unit": "count"},
                {"key": "value_per_year", "label": "Value delivered per year", "value": value, "unit": "EUR"},
                {
                    "key": "pilot_decisions_on_time",
                    "label": "Pilot decisions on time",
                    "value": on_time,
                    "unit": "%",
                },
            ],
            "totals": {"kpi_health": {"on_track": on_track}},
        }

    result = comparing.compare(
        content("2026-Q3", 4850, 774308476.41, 7.4, 9), content("2026-Q4", 7985, 929663352.72, 3.7, None)
    )
    shown = comparing.figures_shown(result.figures).set_index("figure")
    assert list(shown.columns) == ["before", "after", "change"]
    assert shown.loc["Active use cases"].tolist() == ["4,850", "7,985", "+3,135"]
    assert shown.loc["Value delivered per year"].tolist() == ["€774,308,476", "€929,663,353", "+€155,354,876"]
    assert shown.loc["Pilot decisions on time"].tolist() == ["7.4%", "3.7%", "−3.7 points"]
    assert shown.loc["KPIs: on track"].tolist() == ["9", "—", "—"]
    assert shown.loc["KPIs: achieved"].tolist() == ["—", "—", "—"]
    # Exports keep the numbers.
    value = result.figures[result.figures["figure"] == "Value delivered per year"].iloc[0]
    assert (value["unit"], value["after"], value["change"]) == ("EUR", 929663352.72, 155354876.31)


def test_the_demo_quarters_compare(demo):
    with Session(demo) as session:
        earlier = snapshots.get_snapshot(session, LAST_QUARTER.previous().label).content
        later = snapshots.get_snapshot(session, LAST_QUARTER.label).content
    result = comparing.compare(earlier, later)
    assert (result.movements["movement"] != comparing.UNCHANGED).any()
    new = result.movements[result.movements["movement"] == comparing.NEW]
    assert set(new["key"]) == {c["key"] for c in later["use_cases"]} - {
        c["key"] for c in earlier["use_cases"]
    }


# --- the command line ---------------------------------------------------------------------------------------


def run(url, *args):
    return CliRunner().invoke(app, ["snapshot", *args, "--database-url", url])


def test_the_commands_take_list_export_and_compare(demo_copy_url, tmp_path_factory):  # noqa: F811
    tmp_path = tmp_path_factory.mktemp("out")
    taken = run(demo_copy_url, "take", THIS_QUARTER.label)
    assert taken.exit_code == 0, taken.output
    assert f"Took the snapshot of {THIS_QUARTER.label}" in taken.output and "SHA-256" in taken.output
    listed = run(demo_copy_url, "list")
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[1].startswith(THIS_QUARTER.label) and "verified" in lines[1] and "current" in lines[1]
    assert len(lines) == 4
    again = run(demo_copy_url, "take", THIS_QUARTER.label, "--replace")
    assert again.exit_code == 0
    assert "superseded" in run(demo_copy_url, "list").output
    for fmt, name in (("xlsx", "xlsx"), ("csv", "zip"), ("html", "html"), ("pdf", "pdf")):
        result = run(demo_copy_url, "export", THIS_QUARTER.label, "--format", fmt, "--out", str(tmp_path))
        assert result.exit_code == 0, result.output
        assert (
            tmp_path
            / f"{'board-report' if fmt in ('html', 'pdf') else 'portfolio-snapshot'}-{THIS_QUARTER.label}.{name}"
        ).stat().st_size > 1000
    named = tmp_path / "q.pdf"
    assert (
        run(demo_copy_url, "export", THIS_QUARTER.label, "--format", "pdf", "--out", str(named)).exit_code
        == 0
    )
    assert named.read_bytes().startswith(b"%PDF")
    # Written as a plainly created file would be (the board pack is read by others), not owner-only.
    assert named.stat().st_mode & 0o044 == 0o044
    compared = run(demo_copy_url, "compare", LAST_QUARTER.label, THIS_QUARTER.label)
    assert compared.exit_code == 0, compared.output
    assert f"From {LAST_QUARTER.label} to {THIS_QUARTER.label}" in compared.output
    assert "Active use cases" in compared.output
    assert not list(tmp_path.glob(".*part"))


def test_bad_input_gets_one_clear_message_and_exit_code_2(demo_copy_url, demo, tmp_path_factory):  # noqa: F811
    tmp_path = tmp_path_factory.mktemp("out")
    take(demo)
    before = counts(demo)
    cases = [
        (("take", "2026-Q5"), "is not a quarter"),
        (("take", "Q4"), "is not a quarter"),
        (("take", "2001-Q1"), "There is no data for 2001-Q1"),
        (("take", THIS_QUARTER.label), "already taken"),
        (("export", THIS_QUARTER.label, "--format", "docx", "--out", str(tmp_path)), "not an export format"),
        (
            ("export", THIS_QUARTER.label, "--format", "pdf", "--out", str(tmp_path / "no" / "x.pdf")),
            "does not exist",
        ),
        (("export", "2001-Q1", "--format", "pdf", "--out", str(tmp_path)), "There is no snapshot of 2001-Q1"),
        (("compare", THIS_QUARTER.label, THIS_QUARTER.label), "two different quarters"),
        (("compare", "2001-Q1", THIS_QUARTER.label), "There is no snapshot of 2001-Q1"),
    ]
    for args, message in cases:
        result = run(demo_copy_url, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
        assert result.output.count("Error:") == 1
    assert counts(demo) == before
    assert list(tmp_path.iterdir()) == []


def test_a_tampered_snapshot_is_never_exported_or_compared(demo_copy_url, demo, tmp_path_factory):  # noqa: F811
    tmp_path = tmp_path_factory.mktemp("out")
    snapshot = take(demo)
    tamper(demo, snapshot.id, lambda content: content["totals"].update(active=999))
    for args in (
        ("export", THIS_QUARTER.label, "--format", "pdf", "--out", str(tmp_path)),
        ("compare", LAST_QUARTER.label, THIS_QUARTER.label),
    ):
        result = run(demo_copy_url, *args)
        assert result.exit_code == 2 and "fails its integrity check" in result.output
    assert list(tmp_path.iterdir()) == []
    assert "FAILS THE CHECK" in run(demo_copy_url, "list").output


def test_an_unwritable_place_is_refused_and_nothing_is_left(demo_copy_url, demo, tmp_path_factory):  # noqa: F811
    take(demo)
    out = tmp_path_factory.mktemp("out")
    locked = out / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # /proc refuses new files for everyone; a read-only folder refuses them for anyone but root.
        places = ["/proc/x.xlsx"] + ([] if os.geteuid() == 0 else [str(locked)])
        for place in places:
            result = run(demo_copy_url, "export", THIS_QUARTER.label, "--format", "xlsx", "--out", place)
            assert result.exit_code == 2 and "Cannot write" in result.output, result.output
            assert result.output.count("Error:") == 1
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_value_not_measured_is_an_empty_cell_and_says_so_in_the_board_report(exported):
    files, snapshot = exported
    cases = snapshot.content["use_cases"]
    unmeasured = {c["key"] for c in cases if c["value_per_month"] is None}
    assert unmeasured and all(c["net_first_year"] is None for c in cases if c["key"] in unmeasured)
    assert any(c["value_per_month"] is not None for c in cases)
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"].data))["Use cases"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    for row in rows:
        if row["Key"] in unmeasured:
            assert row["Value per month (EUR)"] is None and row["Net value, first year (EUR)"] is None
        else:
            assert isinstance(row["Value per month (EUR)"], int | float)
    html = files["html"].data.decode()
    assert "active use cases whose value is measured" in html
