"""The public incident library: shipped, loaded once, searched and matched on each database, refreshed by a
command from a newer export of the same shape."""

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.models import AuditEvent, Incident
from portfolio.services import incidents
from portfolio.views.incidents import search_incidents, similar_incidents
from tests.services.test_lessons_library import HOSTILE

HEADER = (
    "_id,incident_id,date,reports,Alleged deployer of AI system,Alleged developer of AI system,"
    "Alleged harmed or nearly harmed parties,description,title\n"
)
NEWER = HEADER + (
    'ObjectId(1),1,2015-05-19,"[2,3]","[""youtube""]","[""youtube""]","[""children""]",'
    "Recommendation algorithms exposed children to disturbing videos.,YouTube Kids App Presents Inappropriate Content\n"
    'ObjectId(2),9999,2026-01-30,[5],"[""acme-hotels""]","[""botco""]","[""hotel-guests""]",'
    '"A hotel booking chatbot gave guests no way to reach staff, ""trapping"" them in loops.",Hotel Chatbot Traps Guests\n'
)
CLASSIFIED = (
    "Namespace,Incident ID,Published,Risk Domain,Risk Subdomain,Entity,Timing,Intent\n"
    "MIT,9999,True,5. Human-Computer Interaction,5.1. Overreliance and unsafe use,AI,Post-deployment,Unintentional\n"
)
runner = CliRunner()


@pytest.fixture
def library(engine, admin):
    with db.unit_of_work(engine) as session:
        assert incidents.ensure_library(session) == 1367
    return engine


def test_the_shipped_library_loads_once_with_its_credit(library):
    with db.unit_of_work(library) as session:
        assert incidents.ensure_library(session) == 0
    with Session(library) as session:
        first = session.get(Incident, 1)
        assert first.title == "Google’s YouTube Kids App Presents Inappropriate Content"
        assert (first.deployers, first.harmed_parties) == ("Youtube", "Children")
        assert first.risk_domain == "Discrimination and Toxicity"  # numbering taken off
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "incidents.loaded")).one()
    licence = (incidents.SHIPPED_LIBRARY.parent / "README.md").read_text()
    assert "CC BY-SA 4.0" in licence and "AI Incident Database" in licence
    assert incidents.SHIPPED_LIBRARY.stat().st_size < 400_000  # small enough to ship in the repository


def test_search_finds_every_word_best_first(library):
    with Session(library) as session:
        found = search_incidents(session, "CHATBOTS customers")
        assert found.total == 1367 and found.words == ["chatbots", "customers"]
        assert len(found.rows) >= 3
        for row in found.rows.itertuples():
            text = " ".join(
                [row.title, row.description, row.deployers, row.developers, row.harmed_parties]
            ).lower()
            assert "chatbot" in text and "custom" in text  # stemmed: customers, customised…
            assert row.link == f"https://incidentdatabase.ai/cite/{row.id}"
        newest = search_incidents(session, "").rows
        assert newest["occurred_on"].tolist() == sorted(newest["occurred_on"], reverse=True)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_incident_queries_never_fail(library, query):
    with Session(library) as session:
        found = search_incidents(session, query, limit=10)
        assert len(found.rows) <= 10
        similar_incidents(session, query, query)
    with Session(library) as session:
        assert search_incidents(session, "").total == 1367  # nothing was dropped


def test_a_chatbot_proposal_surfaces_chatbot_incidents(library):
    with Session(library) as session:
        similar = similar_incidents(
            session,
            "Customer-service chatbot",
            "A chatbot on our website answers customers' questions about orders and refunds.",
        )
    assert len(similar) == 5
    mentions = ["chatbot" in f"{row.title} {row.description}".lower() for row in similar.itertuples()]
    assert sum(mentions) >= 4, similar["title"].tolist()
    assert similar.iloc[0]["link"].startswith("https://incidentdatabase.ai/cite/")


def test_the_command_refreshes_the_library_from_a_newer_export(library, database_url, tmp_path):
    newer, classified = tmp_path / "incidents.csv", tmp_path / "classifications.csv"
    newer.write_text(NEWER, encoding="utf-8")
    classified.write_text(CLASSIFIED, encoding="utf-8")
    result = runner.invoke(app, ["incidents", "refresh", str(newer), "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "now holds 2 incidents (1 new; 1,367 before)" in result.output
    with Session(library) as session:
        assert session.get(Incident, 1).risk_domain == "Discrimination and Toxicity"  # kept
        hotel = session.get(Incident, 9999)
        assert hotel.deployers == "Acme Hotels" and hotel.risk_domain == ""
        assert '"trapping"' in hotel.description
        assert search_incidents(session, "trapping loops").rows["id"].tolist() == [9999]
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "incidents.refreshed")).one()
        assert event.after == {"incidents": 2, "new": 1, "source": "incidents.csv"}
    result = runner.invoke(
        app,
        [
            "incidents",
            "refresh",
            str(newer),
            "--classifications",
            str(classified),
            "--database-url",
            database_url,
        ],
    )
    assert result.exit_code == 0, result.output
    with Session(library) as session:
        assert session.get(Incident, 9999).risk_domain == "Human-Computer Interaction"
        assert session.get(Incident, 1).risk_domain == ""  # the new classification does not list it


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title,description\nA,B\n", "lacks the column(s) incident_id"),
        (NEWER.replace("Hotel Chatbot Traps Guests", ""), "row 3: Title is required."),
        (NEWER.replace(",9999,", ",1,"), "row 3: incident 1 appears twice."),
        (NEWER.replace("2026-01-30", "30/01/2026"), "row 3: Date must be a date"),
        (HEADER, "holds no incidents"),
    ],
)
def test_a_bad_export_is_refused_whole_with_a_clear_message(
    library, database_url, tmp_path, content, message
):
    path = tmp_path / "incidents.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["incidents", "refresh", str(path), "--database-url", database_url])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    with Session(library) as session:
        assert search_incidents(session).total == 1367


def test_a_missing_file_is_named(database_url, tmp_path):
    result = runner.invoke(
        app, ["incidents", "refresh", str(tmp_path / "nowhere.csv"), "--database-url", database_url]
    )
    assert result.exit_code == 1 and "There is no file" in result.output
