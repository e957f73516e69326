"""The Import and export page, as a user goes through it (AppTest): upload, map columns and stage words,
preview, import; unreadable files; who may import; the download buttons."""

import hashlib
import io
import re

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.models import AuditEvent, UseCase
from portfolio.services import people
from tests.pages.shown import as_shown
from tests.services.test_imports import UK_FILE, US_FILE

PAGE = "pages/import_export.py"
INVENTORY = (
    b"Use Case Name,Summary,Agency,Bureau,Phase,Contact person,Notes\n"
    b"Claims triage,Sorts claims,Health,Claims,Operation and Maintenance,ana@example.org,first\n"
    b"Route planner,Plans routes,Transport,Fleet,Exploring,,kept\n"
    b",No title here,Transport,Fleet,Pilot,,\n"
    b"Chat assistant,,Health,Clinics,,,\n"
)
DIGEST = hashlib.sha256(INVENTORY).hexdigest()[:16]


def texts(at) -> str:
    """What the user reads: typed text is shown escaped (portfolio/ui/text.py), so the escapes are removed."""
    return re.sub(r"\\(.)", r"\1", _raw(at))


def _raw(at) -> str:
    return " ".join(
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error", "success")
        for e in getattr(at, kind)
    )


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def stored(url: str) -> dict[str, UseCase]:
    engine = db.make_engine(url)
    with Session(engine) as session:
        found = {u.title: u for u in session.exec(select(UseCase)).all()}
    engine.dispose()
    return found


def upload(at, data: bytes = INVENTORY, name: str = "inventory.csv"):
    at.file_uploader(key="import_file").upload(name, data, "text/csv").run()
    assert not at.exception
    return at


def test_upload_map_preview_and_import(app_for, database_url):
    at = upload(app_for(database_url, PAGE))
    assert "4 data rows" in texts(at)
    # Proposed from the headers; "Contact person" is not a known header, so the user maps it to the owner.
    assert at.selectbox(key=f"map_{DIGEST}_Use Case Name").value == "title"
    assert at.selectbox(key=f"map_{DIGEST}_Bureau").value == "team"
    assert at.selectbox(key=f"map_{DIGEST}_Notes").value == "extra"
    at.selectbox(key=f"map_{DIGEST}_Contact person").set_value("owner").run()
    # The unknown stage word is listed, not guessed; the known ones are proposed.
    assert "Not recognised: “Exploring” (1 row)" in texts(at)
    assert at.selectbox(key=f"stage_{DIGEST}_Operation and Maintenance").value == "production"
    assert metrics(at) == {"Rows": "4", "To create": "2", "To update": "0", "Unchanged": "0", "Refused": "2"}
    refusals = at.dataframe[0].value
    assert refusals.values.tolist() == [
        [
            3,
            "Phase",
            "the stage “Exploring” is not mapped to a portfolio stage; map it (on the command line: "
            '--stage-map "Exploring=proposed")',
        ],
        [4, "Use Case Name", "has no title"],
    ]
    at.selectbox(key=f"stage_{DIGEST}_Exploring").set_value("assessed").run()
    at.selectbox(key=f"default_stage_{DIGEST}").set_value("pilot").run()
    assert metrics(at)["To create"] == "3" and metrics(at)["Refused"] == "1"
    assert stored(database_url) == {}  # the preview wrote nothing
    at.button(key=f"import_{DIGEST}").click().run()
    assert not at.exception
    assert "Import done: 3 created, 0 updated, 0 unchanged, 1 refused." in as_shown(texts(at))
    assert "From inventory.csv." in as_shown(texts(at))
    cases = stored(database_url)
    assert {t: u.stage for t, u in cases.items()} == {
        "Claims triage": "production",
        "Route planner": "assessed",
        "Chat assistant": "pilot",
    }
    assert cases["Claims triage"].extra == {"Notes": "first"} and cases["Claims triage"].owner_id is not None
    # The same file again: nothing to import.
    assert metrics(at)["Unchanged"] == "3"
    assert at.button(key=f"import_{DIGEST}").disabled


def test_two_columns_for_one_field_and_no_title_are_stopped(app_for, database_url):
    at = upload(app_for(database_url, PAGE))
    at.selectbox(key=f"map_{DIGEST}_Summary").set_value("title").run()
    assert "Title is chosen for “Use Case Name” and “Summary”; choose it for one column." in texts(at)
    assert not at.metric
    at.selectbox(key=f"map_{DIGEST}_Summary").set_value("extra").run()
    at.selectbox(key=f"map_{DIGEST}_Use Case Name").set_value("skip").run()
    assert "Choose the column that holds each use case's title" in texts(at)


def test_unreadable_files_say_why_and_change_nothing(app_for, database_url):
    at = upload(app_for(database_url, PAGE), b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "picture.csv")
    assert "not a text file" in at.error[0].value and not at.metric
    at = upload(app_for(database_url, PAGE), b"title,description\n", "header.csv")
    assert "no data rows" in at.error[0].value
    at = upload(app_for(database_url, PAGE), b"title\n" + b"x" * (50 * 1024 * 1024), "huge.csv")
    assert "huge.csv is 50 MB; files up to 20 MB can be imported" in as_shown(at.error[0].value)
    assert stored(database_url) == {}


def test_an_excel_workbook_offers_its_sheets(app_for, database_url):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["nothing here"])
    register = workbook.create_sheet("Register")
    register.append(["Title", "Stage"])
    register.append(["Invoice reader", "pilot"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    at = upload(app_for(database_url, PAGE), data, "register.xlsx")
    assert at.selectbox(key=f"sheet_{digest}").options == ["Notes", "Register"]
    at.selectbox(key=f"sheet_{digest}").set_value("Register").run()
    assert metrics(at)["To create"] == "1"
    at.button(key=f"import_{digest}").click().run()
    assert stored(database_url)["Invoice reader"].stage == "pilot"


def test_the_import_is_one_audit_event_and_a_viewer_cannot_import(app_for, database_url):
    at = upload(app_for(database_url, PAGE))
    at.selectbox(key=f"stage_{DIGEST}_Exploring").set_value("assessed").run()
    at.button(key=f"import_{DIGEST}").click().run()
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "use_cases.imported")).all()
    assert len(events) == 1 and events[0].after["created"] == 3
    with db.unit_of_work(engine) as session:
        admin = people.actor_for(session, "admin@example.org")
        people.create_person(session, admin, name="Ada", email="ada@example.org", roles=["approver"])
    engine.dispose()
    at = app_for(database_url)
    at.session_state["acting_as"] = "ada@example.org"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "Importing use cases needs the contributor role." in texts(at)
    assert not at.file_uploader


def test_the_export_tab_offers_the_portfolio_and_the_register(app_for, database_url):
    at = app_for(database_url, PAGE)
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Download as CSV",
        "Download as Excel",
        "Download as CSV",
        "Download as web page (HTML)",
    ]
    assert "0 use cases are marked for publication" in texts(at)


@pytest.mark.skipif(not US_FILE.exists(), reason="../shared/data (the real public registers) is not present")
def test_the_us_federal_inventory_imports_completely_through_the_page(app_for, database_url):
    data = US_FILE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    at = upload(app_for(database_url, PAGE), data, US_FILE.name)
    assert "cp1252 text" in texts(at) and "2,133 data rows" in texts(at)
    assert (
        "Not recognised: “In mission” (4 rows), “Research or  Administrative Action Complete” (5 rows)"
        in texts(at)
    )
    at.selectbox(key=f"map_{digest}_Agency").set_value("business_unit").run()
    at.selectbox(key=f"stage_{digest}_In mission").set_value("production").run()
    # The file writes this word with two spaces; the choice is keyed by the word as the file gives it.
    at.selectbox(key=f"stage_{digest}_Research or  Administrative Action Complete").set_value("retired").run()
    shown = metrics(at)
    created, refused = int(shown["To create"].replace(",", "")), int(shown["Refused"].replace(",", ""))
    assert created + refused == 2133 and created > 2000
    assert len(at.dataframe[0].value) >= refused  # every refused row is listed with its reason
    at.button(key=f"import_{digest}").click().run()
    assert not at.exception
    assert f"{created:,} created, 0 updated, 0 unchanged, {refused:,} refused" in texts(at)
    assert len(stored(database_url)) <= created  # titles repeat across agencies
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        assert len(session.exec(select(UseCase.id)).all()) == created
    engine.dispose()


@pytest.mark.skipif(not UK_FILE.exists(), reason="../shared/data (the real public registers) is not present")
def test_the_uk_transparency_records_import_completely_through_the_page(app_for, database_url):
    data = UK_FILE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    at = upload(app_for(database_url, PAGE), data, UK_FILE.name)
    assert metrics(at) == {
        "Rows": "142",
        "To create": "142",
        "To update": "0",
        "Unchanged": "0",
        "Refused": "0",
    }
    at.button(key=f"import_{digest}").click().run()
    assert "142 created, 0 updated, 0 unchanged, 0 refused" in texts(at)
