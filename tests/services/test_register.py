"""The public register: marking use cases for publication (approvers, audited, guarded against stale pages),
and the register as CSV and static HTML, read back; on every database."""

import csv
import html
import io
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from portfolio import db
from portfolio.cli import app
from portfolio.errors import InvalidInput, NotAllowed, StaleEditError
from portfolio.models import AuditEvent, UseCase
from portfolio.reports.register import COLUMNS, publish_register
from portfolio.services import people
from portfolio.services.publication import set_publication
from tests.services.factories import propose

runner = CliRunner()
HOSTILE = '<script>alert("x")</script> & <img src=https://evil.example/x.png>'


def use_case(engine, key: str) -> UseCase:
    with Session(engine) as session:
        return session.exec(select(UseCase).where(UseCase.key == key)).one()


def publish(engine, actor, key: str, value: bool = True, version: int | None = None) -> UseCase:
    current = use_case(engine, key)
    with db.unit_of_work(engine) as session:
        return set_publication(session, actor, current.id, version or current.version, value)


def three_use_cases(engine, admin) -> list[str]:
    return [
        propose(
            engine,
            admin,
            title=HOSTILE,
            problem="Answers questions\non two lines",
            business_unit="Meridian Services",
            ai_act_tier="limited",
            ai_act_reason="Chatbot: customers are told",
            human_path=True,
            personal_data="Customer names",
        ),
        propose(engine, admin, title="Shift planner", decisions_about_people=True),
        propose(engine, admin, title="Not for the public"),
    ]


def test_an_approver_marks_use_cases_for_publication_audited_and_checked(engine, admin):
    chat, planner, _hidden = three_use_cases(engine, admin)
    published = publish(engine, admin, chat)
    assert published.publish and published.version == 2
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "use_case.updated")).one()
    assert (event.entity_id, event.before, event.after) == (chat, {"publish": False}, {"publish": True})
    with pytest.raises(StaleEditError):
        publish(engine, admin, chat, False, version=1)
    with pytest.raises(InvalidInput):
        publish(engine, admin, planner, "yes")  # type: ignore[arg-type]
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Cora", email="cora@example.org", roles=["contributor"])
        cora = people.actor_for(session, "cora@example.org")
    with pytest.raises(NotAllowed, match="approver"):
        publish(engine, cora, planner)
    assert use_case(engine, chat).publish and not use_case(engine, planner).publish


def test_the_register_as_csv_holds_only_what_is_published(engine, admin):
    chat, planner, _hidden = three_use_cases(engine, admin)
    publish(engine, admin, chat)
    publish(engine, admin, planner)
    with Session(engine) as session:
        made = publish_register(session, "csv", today=date(2026, 12, 5))
    assert made.file_name == "ai-register-2026-12-05.csv" and made.entries == 2
    rows = list(csv.DictReader(io.StringIO(made.data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(COLUMNS)
    first, second = rows
    assert first["Name"] == HOSTILE and first["Reference"] == chat
    assert first["Purpose"] == "Answers questions\non two lines"
    assert (first["Organisation"], first["Team"], first["Status"]) == (
        "Meridian Services",
        "Customer service",
        "Planned",
    )
    assert "Limited" in first["Risk classification (EU AI Act)"]
    assert "Chatbot: customers are told" in first["Impact assessment"]
    assert "No data protection impact assessment" in first["Impact assessment"]
    assert "can reach a person" in first["Human oversight"]
    assert first["Contact"] == "Test Administrator <admin@example.org>"
    assert second["Name"] == "Shift planner" and "decisions about people" in second["Human oversight"]
    assert second["Makes or informs decisions about people"] == "Yes"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data)


def test_the_register_as_html_is_static_escaped_and_self_contained(engine, admin):
    chat, _planner, _hidden = three_use_cases(engine, admin)
    publish(engine, admin, chat)
    with Session(engine) as session:
        made = publish_register(session, "html", today=date(2026, 12, 5))
    page = _Page()
    text = made.data.decode("utf-8")
    page.feed(text)
    assert made.entries == 1 and made.file_name.endswith(".html")
    assert {"script", "img", "link", "iframe", "object"}.isdisjoint(page.tags)
    assert not any(name in {"src", "href"} or (name or "").startswith("on") for name, _ in page.attributes)
    # No address anywhere but in the (escaped) text someone typed.
    assert "://" not in text.replace(html.escape(HOSTILE, quote=True), "")
    assert HOSTILE in page.texts  # shown exactly as typed, as text
    assert "Answers questions\non two lines" in page.texts
    assert "Shift planner" not in text and "Not for the public" not in text
    assert "5 December 2026" in "".join(page.texts)
    for column in ("Organisation", "Purpose", "Human oversight", "Impact assessment", "Contact"):
        assert column in page.texts


def test_the_command_line_publishes_the_register(database_url, admin, tmp_path):
    engine = db.make_engine(database_url)
    chat, *_ = three_use_cases(engine, admin)
    publish(engine, admin, chat)
    engine.dispose()
    for fmt in ("csv", "html"):
        result = runner.invoke(
            app, ["publish", "--format", fmt, "--out", str(tmp_path), "--database-url", database_url]
        )
        assert result.exit_code == 0, result.output
        assert "1 use cases marked for publication" in result.output
    assert len(list(tmp_path.glob("ai-register-*"))) == 2
    bad = runner.invoke(
        app, ["publish", "--format", "pdf", "--out", str(tmp_path), "--database-url", database_url]
    )
    assert bad.exit_code == 2 and "choose csv or html" in bad.output
