"""Importing inventories: dry run, refusals, identity and re-import, attribution, gaps; on every database."""

import io
import os
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.errors import InvalidInput, NotAllowed
from portfolio.imports.reading import MAX_BYTES, ImportFileError, read_table
from portfolio.models import AuditEvent, GateDecision, Person, StageChange, UseCase, utc_now
from portfolio.services import people, pipeline, use_cases
from portfolio.services.imports import ImportOptions, preview_import, run_import
from portfolio.views.overview import OverviewFilter, overview
from tests.conftest import counts

# The real registers live beside the repository (../shared/data); a checkout elsewhere (a git worktree) can
# point at them with PORTFOLIO_SHARED_DATA.
SHARED_DATA = Path(
    os.environ.get("PORTFOLIO_SHARED_DATA") or Path(__file__).resolve().parents[2].parent / "shared" / "data"
)
US_FILE = SHARED_DATA / "us-federal-ai-use-case-inventory-2024.csv"
UK_FILE = SHARED_DATA / "uk-algorithmic-transparency-records-2026.csv"
runner = CliRunner()


def table_of(text: str, name: str = "inventory.csv", encoding: str = "utf-8"):
    return read_table(text.encode(encoding), name)


def do_import(engine, actor, text: str, name: str = "inventory.csv", **options):
    with db.unit_of_work(engine) as session:
        return run_import(session, actor, table_of(text, name), ImportOptions(**options))


def all_use_cases(engine) -> list[UseCase]:
    with Session(engine) as session:
        return list(session.exec(select(UseCase).order_by(UseCase.key)).all())


INVENTORY = (
    "Use Case Name,Description,Agency,Bureau,Stage of Development,Owner,Notes\n"
    'Chat assistant,"Answers questions,\nover two lines",Health,Clinics,Operation and Maintenance,,first\n'
    "Fraud scoring,Flags claims,Finance,Claims,Pilot,ana@example.org,\n"
    "Route planner,Plans routes,Transport,,Initiated,Nobody Known,kept\n"
)


def test_an_inventory_imports_with_honest_history_gaps_and_extra_attributes(engine, admin):
    result = do_import(engine, admin, INVENTORY)
    assert result.plan.summary() == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "refused": 0}
    chat, fraud, route = all_use_cases(engine)
    assert (chat.title, chat.stage, chat.team, chat.business_unit) == (
        "Chat assistant",
        "production",
        "Clinics",
        "Health",
    )
    assert chat.problem == "Answers questions,\nover two lines"
    assert (chat.source, chat.source_file, chat.source_row) == ("import", "inventory.csv", 2)
    assert chat.owner_id is None and chat.extra == {"Notes": "first"}
    assert route.owner_id is None and route.extra == {"Notes": "kept", "Owner": "Nobody Known"}
    with Session(engine) as session:
        ana = session.exec(select(Person).where(Person.email == "ana@example.org")).one()
        assert fraud.owner_id == ana.id
        changes = session.exec(select(StageChange).where(StageChange.use_case_id == chat.id)).all()
        assert [(c.from_stage, c.to_stage, c.reason) for c in changes] == [
            (None, "production", "Imported from inventory.csv, row 2")
        ]
        assert session.exec(select(GateDecision)).all() == []
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "use_cases.imported")).all()
        assert len(events) == 1 and events[0].after["created"] == 3
        table = use_cases.portfolio_table(session)
        gaps = dict(zip(table["key"], table["gaps"], strict=True))
        assert gaps[chat.key].startswith("No accountable owner; EU AI Act tier not classified; Not scored")
        assert "No team" in gaps[route.key]
        assert use_cases.summarise(table, 180).without_owner == 2
        detail = use_cases.use_case_detail(session, chat.key)
        assert detail.people["owner"] is None and "No accountable owner" in detail.gaps
        assert detail.use_case["extra"] == {"Notes": "first"}
        assert set(pipeline.board(session)["key"]) == {chat.key, fraud.key, route.key}
        # The overview calls the missing owners out as a governance gap.
        governance = {
            g.key: g for g in overview(session, OverviewFilter(), today=utc_now().date()).governance
        }
        assert sorted(i.key for i in governance["no_owner"].items) == [chat.key, route.key]
        assert governance["no_owner"].items[0].detail == "No owner named"


def test_a_dry_run_writes_nothing_and_counts_add_up(engine, admin):
    before = counts(engine)
    with db.unit_of_work(engine) as session:
        plan = preview_import(session, table_of(INVENTORY + ",no title,X,Y,Pilot,,\n"), ImportOptions())
    assert plan.summary() == {"rows": 4, "created": 3, "updated": 0, "unchanged": 0, "refused": 1}
    assert [(p.row, p.column, p.problem) for p in plan.refusals] == [(5, "Use Case Name", "has no title")]
    assert counts(engine) | {"person": 1} == before | {"person": 1}
    assert counts(engine) == before


def test_reimport_updates_and_never_duplicates(engine, admin):
    first = "id,title,description,organisation,phase\nA-1,Triage,Sorts mail,Tax,beta-pilot\nTBD,Chat,Talks,Tax,production\n"
    do_import(engine, admin, first)
    again = do_import(engine, admin, first)
    assert again.plan.summary()["unchanged"] == 2 and len(all_use_cases(engine)) == 2
    newer = "id,title,description,organisation,phase\nA-1,Triage v2,Sorts all mail,Tax,production\nTBD,Chat,Talks,Tax,production\n"
    result = do_import(engine, admin, newer, name="inventory-2025.csv")
    assert result.plan.summary() == {"rows": 2, "created": 0, "updated": 1, "unchanged": 1, "refused": 0}
    triage = next(u for u in all_use_cases(engine) if u.external_id == "A-1")
    assert (triage.title, triage.stage, triage.source_file, triage.version) == (
        "Triage v2",
        "production",
        "inventory-2025.csv",
        2,
    )
    with Session(engine) as session:
        reasons = session.exec(select(StageChange.reason).where(StageChange.use_case_id == triage.id)).all()
    assert reasons == ["Imported from inventory.csv, row 2", "Re-imported from inventory-2025.csv, row 2"]
    chat = next(u for u in all_use_cases(engine) if u.title == "Chat")
    assert chat.external_id is None  # "TBD" is a placeholder, not an id


def test_identity_needs_the_same_organisation_unit_and_id_or_content(engine, admin):
    text = (
        "id,title,description,agency,bureau\n"
        "7,Scanner,Reads forms,Health,A\n"
        "7,Scanner,Reads forms,Tax,A\n"  # same id, other organisation: another use case
        ",Scanner,Reads forms,Health,B\n"  # same title, other unit: another use case
        ",Scanner,Reads letters,Health,A\n"  # no id, other content: another use case
        "7,Scanner (copy),Reads forms,Health,A\n"  # same id in the same place: reported, never merged
        ",Scanner,Reads letters,Health,A\n"  # same title and content in the same place: reported
    )
    result = do_import(engine, admin, text)
    assert result.plan.summary()["created"] == 4
    refused = {p.row: p.problem for p in result.plan.refusals}
    assert set(refused) == {6, 7}
    assert "same use case as row 2" in refused[6] and "the id “7”" in refused[6]
    assert "same use case as row 5" in refused[7]


def test_malformed_files_get_clear_messages(engine, admin):
    cases = {
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00": "not a text file",
        b"": "is empty",
        b"title,description\n": "no data rows",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20: "old-style Excel",
        b"PK\x03\x04broken": "not a readable Excel workbook",
        b'title,description\n"open quote,x\n': None,  # an unclosed quote swallows the rest: one row, read as typed
    }
    for data, message in cases.items():
        if message is None:
            continue
        with pytest.raises(ImportFileError, match=message):
            read_table(data, "bad.csv")
    with pytest.raises(ImportFileError, match="files up to 20 MB"):
        read_table(b"title\n" + b"x" * (MAX_BYTES + 1), "big.csv")


def test_ragged_rows_and_formula_cells_are_refused_and_duplicate_columns_kept_apart(engine, admin):
    import openpyxl

    table = table_of("title,Notes,Notes\nA,1,2\nB,1,2,3,4\nC\n")
    assert table.columns == ["title", "Notes", "Notes (2)"]
    assert "appears 2 times" in table.notices[0]
    before = counts(engine)
    result = do_import(engine, admin, "title,Notes,Notes\nA,1,2\nB,1,2,3,4\nC\n")
    assert result.plan.summary()["refused"] == 1 and result.plan.refusals[0].row == 3
    assert "has 5 values but the header names 3 columns" in result.plan.refusals[0].problem
    assert all_use_cases(engine)[0].extra == {"Notes": "1", "Notes (2)": "2"}
    assert counts(engine)["use_case"] == before["use_case"] + 2

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    sheet.append(["title", "cost"])
    sheet.append(["Summariser", "=1+2"])
    sheet.append(["=cmd|' /C calc'!A0", "3"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "register.xlsx")
    assert table.sheet == "Register" and table.sheets == ["Register"]
    assert [(p.row, p.column) for p in table.problems] == [(2, "cost"), (3, "title")]
    assert "formula" in table.problems[0].problem
    with pytest.raises(ImportFileError, match="no sheet “Other”"):
        read_table(buffer.getvalue(), "register.xlsx", sheet="Other")


def test_encodings_and_separators_are_detected(engine, admin):
    text = "Titel;Beschreibung\nCafé-Assistent;Überprüft Bestellungen für 5 €\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        table = read_table(text.encode(encoding), "f.csv")
        assert table.separator == ";" and table.rows[0][1] == [
            "Café-Assistent",
            "Überprüft Bestellungen für 5 €",
        ]
    table = read_table("title\tteam\nÀ\tÑ\n".encode("latin-1"), "f.tsv")
    assert table.separator == "\t" and table.encoding == "cp1252" and table.rows[0][1] == ["À", "Ñ"]
    assert read_table("title\nx\n".encode("utf-16"), "f.csv").rows[0][1] == ["x"]
    with pytest.raises(ImportFileError, match="cannot be read as utf-8"):
        read_table(text.encode("cp1252"), "f.csv", encoding="utf-8")


def test_mapping_flags_are_checked(engine, admin):
    with pytest.raises(InvalidInput, match=r"no column “Nope”\. Its columns are: title, phase"):
        do_import(engine, admin, "title,phase\nA,pilot\n", mapping={"Nope": "team"})
    with pytest.raises(InvalidInput, match="“colour” is not a field"):
        do_import(engine, admin, "title,phase\nA,pilot\n", mapping={"phase": "colour"})
    with pytest.raises(InvalidInput, match="“live” is not a stage"):
        do_import(engine, admin, "title,phase\nA,pilot\n", stage_map={"pilot": "live"})
    result = do_import(engine, admin, "title,phase\nA,Planned-ish\nB,\n", default_stage="assessed")
    assert result.plan.unknown_stages == {"Planned-ish": 1}
    assert [u.stage for u in all_use_cases(engine)] == ["assessed"]


def test_a_viewer_cannot_import(engine, admin):
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Vera", email="vera@example.org", roles=["viewer"])
        vera = people.actor_for(session, "vera@example.org")
    before = counts(engine)
    with pytest.raises(NotAllowed):
        do_import(engine, vera, INVENTORY)
    assert counts(engine) == before


def test_a_key_from_a_file_is_an_identifier_never_markup(engine, admin):
    """A file may carry the portfolio's own keys (its export does); a key shows on every page and in
    addresses, so one that is not an identifier refuses its row and writes nothing."""
    before = counts(engine)
    result = do_import(engine, admin, "Key,Title\nUC-0042,Kept\n**X**,Bold\nUC-1234567890123456789,Long\n")
    refused = {problem.row: problem.problem for problem in result.plan.refusals}
    assert set(refused) == {3, 4} and all("letters, digits" in text for text in refused.values())
    assert [u.key for u in all_use_cases(engine)] == ["UC-0042"]
    assert counts(engine)["use_case"] == before["use_case"] + 1


def test_only_an_approver_changes_the_public_register_through_a_file(engine, admin):
    """Publishing is an approver's decision on the use case page; a file's publish column is no way around it."""
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Cleo", email="cleo@example.org", roles=["contributor"])
        cleo = people.actor_for(session, "cleo@example.org")
    register = "Title,Problem,publish\nChat assistant,Answers questions,{}\nRoute planner,Plans routes,no\n"
    before = counts(engine)
    with pytest.raises(NotAllowed, match=r"public AI register.*row 2"):
        do_import(engine, cleo, register.format("yes"))
    assert counts(engine) == before
    do_import(engine, cleo, register.format("no"))  # nothing published: a contributor's import
    assert [u.publish for u in all_use_cases(engine)] == [False, False]
    do_import(engine, admin, register.format("yes"))  # an approver publishes through the file
    assert [u.publish for u in all_use_cases(engine)] == [True, False]
    do_import(engine, cleo, register.format("yes"))  # leaving it as it is needs no approver
    with pytest.raises(NotAllowed, match="public AI register"):
        do_import(engine, cleo, register.format("no"))  # taking it off the register does
    assert [u.publish for u in all_use_cases(engine)] == [True, False]


def test_the_command_line_imports_with_flags_and_reports(database_url, admin, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("Name,Unit,Phase\nA,X,beta-pilot\nB,Y,Mystery\n")
    arguments = ["import", str(path), "--database-url", database_url, "--team-column", "Unit"]
    dry = runner.invoke(app, [*arguments, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 rows: 1 would be created, 0 updated, 0 unchanged, 1 refused." in dry.output
    assert "Dry run: nothing was changed." in dry.output
    done = runner.invoke(app, [*arguments, "--stage-map", "Mystery=assessed"])
    assert "2 rows: 2 were created" in done.output, done.output
    bad = runner.invoke(app, [*arguments, "--map", "Colour=team"])
    assert bad.exit_code == 1 and "Its columns are: Name, Unit, Phase" in bad.output


@pytest.mark.skipif(not US_FILE.exists(), reason="../shared/data (the real public registers) is not present")
def test_the_us_federal_inventory_imports_completely_from_the_command_line(database_url, admin):
    arguments = [
        "import",
        str(US_FILE),
        "--database-url",
        database_url,
        "--map",
        "Agency=business_unit",
        "--team-column",
        "Bureau",
        "--stage-map",
        "In mission=production",
        "--stage-map",
        "Research or Administrative Action Complete=retired",
    ]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("2,133 rows"))
    numbers = [int(word.replace(",", "")) for word in line.replace(".", " ").split() if word[0].isdigit()]
    total, created, updated, unchanged, refused = numbers
    assert total == 2133 == created + updated + unchanged + refused and created > 2000
    assert "same use case as row" in result.output  # its copied rows are reported, not merged
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        assert len(session.exec(select(UseCase.id)).all()) == created
        assert len(use_cases.portfolio_table(session)) == created
    again = runner.invoke(app, arguments)
    assert f"0 were created, 0 updated, {created:,} unchanged, {refused:,} refused" in again.output


@pytest.mark.skipif(not UK_FILE.exists(), reason="../shared/data (the real public registers) is not present")
def test_the_uk_transparency_records_import_completely(engine, admin):
    with db.unit_of_work(engine) as session:
        result = run_import(session, admin, read_table(UK_FILE.read_bytes(), UK_FILE.name), ImportOptions())
    assert result.plan.summary() == {"rows": 142, "created": 142, "updated": 0, "unchanged": 0, "refused": 0}
    cases = all_use_cases(engine)
    assert {u.stage for u in cases} <= {"production", "pilot", "scale_up", "assessed", "retired"}
    assert all(u.external_id and u.team for u in cases)
    assert "source_url" in cases[0].extra
