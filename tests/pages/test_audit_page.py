"""The Audit page: filters, pages, words, and who may open it (AppTest on the demo)."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from portfolio import db
from portfolio.models import Person, utc_now
from portfolio.services import people


def rows(at: AppTest):
    return at.dataframe[0].value


def summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " of " in m.value and "page" in m.value)


def test_the_audit_page_lists_every_change_a_page_at_a_time(app_for, demo_url):
    at = app_for(demo_url, "pages/audit.py")
    assert not at.exception
    assert at.title[0].value == "Audit trail"
    first = rows(at)
    assert len(first) == 50
    assert "page 1 of" in summary(at)
    assert list(first["When"]) == sorted(first["When"], reverse=True)
    for column in ("When", "Who", "What", "Use case", "Before", "After"):
        assert column in first.columns
    at.button(key="audit_older").click().run()
    assert "page 2 of" in summary(at)
    assert not set(rows(at)["id"]) & set(first["id"])
    at.button(key="audit_newer").click().run()
    assert "page 1 of" in summary(at)


def test_filters_by_kind_use_case_person_and_dates(app_for, demo_url):
    at = app_for(demo_url, "pages/audit.py")
    at.multiselect(key="audit_kinds").set_value(["People and roles"]).run()
    assert set(rows(at)["Kind"]) == {"People and roles"}
    assert "page 1 of" in summary(at)  # a new filter starts at its first page

    at.multiselect(key="audit_kinds").set_value([]).run()
    at.selectbox(key="audit_use_case").set_value("UC-0001").run()
    trail = rows(at)
    assert len(trail) and set(trail["Use case"]) == {"UC-0001"}
    assert {"Proposed", "Results logged"} <= set(trail["What"]) or "Proposed" in set(trail["What"])

    someone = next(who for who in trail["Who"] if who != "System")
    with Session(db.make_engine(demo_url)) as session:
        person_id = session.exec(select(Person.id).where(Person.name == someone)).first()
    at.selectbox(key="audit_use_case").set_value(None).run()
    at.multiselect(key="audit_people").set_value([person_id]).run()
    assert set(rows(at)["Who"]) == {someone}

    tomorrow = utc_now().date() + timedelta(days=1)
    at.multiselect(key="audit_people").set_value([]).run()
    at.date_input(key="audit_since").set_value(tomorrow).run()
    assert "No recorded change matches these filters." in at.info[0].value
    at.date_input(key="audit_until").set_value(tomorrow - timedelta(days=3)).run()
    assert "The start date is after the end date" in at.error[0].value
    assert not at.exception


def test_only_approvers_and_administrators_open_the_audit_page(app_for, database_url, admin, engine):
    with db.unit_of_work(engine) as session:
        for name, role in (
            ("Vic Viewer", "contributor"),
            ("Ann Approver", "approver"),
            ("Ada Admin", "administrator"),
        ):
            people.create_person(
                session, admin, name=name, email=f"{name.split()[0].lower()}@example.org", roles=[role]
            )
    at = app_for(database_url, "pages/audit.py")
    assert at.title[0].value == "Audit trail"
    for email, opens in (("vic@example.org", False), ("ann@example.org", True), ("ada@example.org", True)):
        at.session_state["acting_as"] = email
        at.run()  # the navigation is built from this person's roles
        if opens:
            at.switch_page("pages/audit.py").run()
            assert not at.exception
            assert at.title[0].value == "Audit trail", email
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page("pages/audit.py")
