"""Lessons recorded at any stage and edited with a version check; full-text search and similarity on each
database, hostile queries included."""

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import Conflict, InvalidInput, NotAllowed
from portfolio.models import AuditEvent, Lesson, Stage
from portfolio.services import lessons, people
from portfolio.views.lessons import (
    LessonFilter,
    failure_causes,
    lesson_choices,
    lesson_counts,
    lesson_library,
    relevant_to_use_case,
    similar_lessons,
)
from tests.conftest import counts
from tests.services.factories import propose

LESSON = {
    "title": "Hand-over without the transcript annoyed customers",
    "tried": "The assistant passed customers to the general queue.",
    "happened": "Customers had to repeat themselves; satisfaction after a hand-over fell to 5.9.",
    "outcome": "failure",
    "category": "customer_trust",
    "root_cause": "The hand-over was designed as an exit.",
    "do_differently": "Send the transcript to the agent and measure time to a person.",
    "tags": ["Hand-over", " chatbot "],
}

HOSTILE = [
    '"',
    "'",
    "\"unclosed phrase and 'quote",
    "%",
    "_",
    "%_%",
    "100%",
    "' OR 1=1 --",
    "'; DROP TABLE lesson; --",
    "title:hand* AND NOT NEAR(a b) ^x -y {z}",
    "!!!???",
    "",
    "   ",
    "hand-over " * 3000,
    "ü" * 100_000,
    "\u202e\u200b emoji 🤖 test",
]


def record(engine, actor, key, **overrides):
    with db.unit_of_work(engine) as session:
        return lessons.record_lesson(session, actor, key, **(LESSON | overrides)).id


def test_a_lesson_can_be_recorded_at_any_stage_and_keeps_the_stage(engine, admin):
    key = propose(engine, admin)
    lesson_id = record(engine, admin, key)
    with Session(engine) as session:
        lesson = session.get(Lesson, lesson_id)
        assert lesson.stage == Stage.proposed
        assert lesson.tags == ["chatbot", "hand-over"]  # trimmed, lower-cased, sorted, no repeats
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "lesson.recorded")).one()
        assert event.entity_id == key and event.after["title"] == LESSON["title"]


def test_a_viewer_cannot_write_lessons(engine, admin):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        viewer = people.create_person(session, admin, name="Vera Viewer", email="vera@example.org", roles=[])
    before = counts(engine)
    with pytest.raises(NotAllowed), db.unit_of_work(engine) as session:
        lessons.record_lesson(session, viewer, key, **LESSON)
    assert counts(engine) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "Lesson title is required."),
        ({"happened": ""}, "happened", "What happened is required."),
        ({"tried": "x" * 5001}, "tried", "keep it to 5,000 characters (it has 5,001)"),
        ({"title": "t" * 201}, "title", "keep it to 200 characters"),
        ({"category": "weather"}, "category", "choose one of Data quality and readiness, Model performance"),
        ({"outcome": "meh"}, "outcome", "choose one of Failure, Partial or Success"),
        ({"tags": ["x" * 51]}, "tags", "keep each tag to 50 characters"),
        ({"tags": [f"t{n}" for n in range(21)]}, "tags", "keep to 20 tags"),
        ({"root_cause": "bad\x00byte"}, "root_cause", "hidden null character"),
    ],
)
def test_bad_lessons_are_refused_with_a_clear_message_and_nothing_stored(
    engine, admin, changes, field, message
):
    key = propose(engine, admin)
    before = counts(engine)
    with pytest.raises(InvalidInput) as error, db.unit_of_work(engine) as session:
        lessons.record_lesson(session, admin, key, **(LESSON | changes))
    assert message in error.value.problems[field]
    assert counts(engine) == before


def test_editing_checks_the_version_and_is_audited(engine, admin):
    key = propose(engine, admin)
    lesson_id = record(engine, admin, key)
    with db.unit_of_work(engine) as session:
        edited = lessons.update_lesson(
            session, admin, lesson_id, expected_version=1, root_cause="Nobody owned the hand-over."
        )
        assert edited.version == 2
    with (
        pytest.raises(Conflict, match="This lesson was changed by someone else"),
        db.unit_of_work(engine) as session,
    ):
        lessons.update_lesson(session, admin, lesson_id, expected_version=1, title="Stale edit")
    with pytest.raises(InvalidInput), db.unit_of_work(engine) as session:
        lessons.update_lesson(session, admin, lesson_id, expected_version=2, title="")
    with Session(engine) as session:
        lesson = session.get(Lesson, lesson_id)
        assert (lesson.title, lesson.root_cause, lesson.version) == (
            LESSON["title"],
            "Nobody owned the hand-over.",
            2,
        )
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "lesson.updated")).one()
        assert event.before == {"root_cause": LESSON["root_cause"]}
        assert event.after == {"root_cause": "Nobody owned the hand-over."}
        # The search index follows the edit: the new words are found, the old ones are gone.
        assert lesson_library(session, LessonFilter(query="nobody owned")).total == 1
        assert lesson_library(session, LessonFilter(query="designed exit")).total == 0


def test_search_takes_several_words_in_any_order_in_any_case_over_the_texts(engine, admin):
    key = propose(engine, admin)
    record(engine, admin, key)
    record(
        engine,
        admin,
        key,
        title="Store data had gaps",
        tried="A forecast from till data.",
        happened="Till outages looked like days without demand.",
        root_cause="Outage days were not marked.",
        do_differently="Profile the data first.",
        outcome="success",
        category="data",
        tags=["forecasting"],
    )
    with Session(engine) as session:

        def titles(query: str) -> list[str]:
            return lesson_library(session, LessonFilter(query=query)).rows["title"].tolist()

        assert titles("TRANSCRIPT agent") == [LESSON["title"]]  # recommendation
        assert titles("agent transcript") == [LESSON["title"]]  # any order
        assert titles("exit designed") == [LESSON["title"]]  # root cause
        assert titles("satisfaction fell") == [LESSON["title"]]  # what happened
        assert titles("outages") == ["Store data had gaps"]  # stemmed: "outage" and "outages"
        assert titles("transcript outages") == []  # every word must match
        assert len(titles("")) == 2
        # Failures first, whatever was recorded later.
        assert titles("")[0] == LESSON["title"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_sane_results_never_an_error(engine, admin, query):
    key = propose(engine, admin)
    record(engine, admin, key)
    with Session(engine) as session:
        found = lesson_library(session, LessonFilter(query=query))
        assert found.total in (0, 1)
        if not found.words:  # nothing searchable: everything, unfiltered
            assert found.total == 1
        assert similar_lessons(session, query, query).shape[0] <= 1
    assert counts(engine)["lesson"] == 1  # nothing was dropped


def test_filters_narrow_the_library(engine, admin):
    retail = propose(engine, admin, sector="retail", team="Stores", title="Shelf gaps")
    services = propose(engine, admin)
    record(engine, admin, retail, outcome="success", category="adoption", tags=["alerts"])
    record(engine, admin, services)
    with Session(engine) as session:

        def total(**chosen) -> int:
            return lesson_library(session, LessonFilter(**chosen)).total

        assert total() == 2
        assert total(outcomes=("success",)) == 1
        assert total(categories=("customer_trust",)) == 1
        assert total(sectors=("retail",)) == 1
        assert total(teams=("Stores",)) == 1
        assert total(stages=("proposed",)) == 2
        assert total(stages=("pilot",)) == 0
        assert total(tags=("alerts",)) == 1
        assert total(tags=("alerts", "chatbot")) == 2
        assert total(tags=("none-such",)) == 0
        assert total(use_cases=(retail,)) == 1
        assert lesson_choices(session)["tags"] == ["alerts", "chatbot", "hand-over"]
        counted = lesson_counts(session)
        assert counted["lessons"].sum() == 2
        assert set(counted["category_label"]) == {"Adoption by employees", "Customer reaction and trust"}
        assert counted["quarter"].str.match(r"^\d{4}-Q[1-4]$").all()


def test_the_demo_library_reads_like_a_real_organisations(demo_url):
    engine = db.make_engine(demo_url)
    with Session(engine) as session:
        library = lesson_library(session)
        rows = library.rows
        assert library.total >= 15
        assert set(rows["outcome"]) == {"failure", "partial", "success"}
        assert len(set(rows["category"])) >= 6
        outcomes = rows["outcome"].tolist()
        assert outcomes == sorted(outcomes, key=["failure", "partial", "success"].index)  # failures first
        assert rows["stage"].notna().all()
        for words in (
            "no way to reach a person",
            "virtual influencer impersonal",
            "commercial data campaign",
        ):
            assert lesson_library(session, LessonFilter(query=words.replace("virtual ", ""))).total >= 1, (
                words
            )
        cause = failure_causes(lesson_counts(session))
        assert cause is not None and cause[0] == "Data quality and readiness"
        # A customer-service chatbot proposal finds the chatbot lessons.
        similar = similar_lessons(
            session,
            "Chatbot for customer questions",
            "Customers wait on the phone for simple questions; a chatbot could answer them.",
            sector="hospitality",
            ai_kind="generative",
        )
        assert "The booking chatbot left guests no way to reach a person" in similar["title"].tolist()
        assert similar.iloc[0]["same_sector"] or similar.iloc[0]["same_kind"]
        relevant = relevant_to_use_case(session, "UC-0001")
        assert not relevant.own.empty and (relevant.own["key"] == "UC-0001").all()
        assert "UC-0001" not in relevant.similar["key"].tolist()
        assert len(relevant.incidents) == 5
    engine.dispose()
