"""Issue 3 through the services: intake with KPIs and tier answers, duplicates, scoring model versions,
the matrix and the backlog."""

from datetime import date

import pytest
from sqlmodel import Session, select

from portfolio import db
from portfolio.errors import InvalidInput, NotAllowed
from portfolio.models import Assessment, Criterion, Kpi, ScoringModel
from portfolio.scoring import DEFAULT_CRITERIA
from portfolio.services import assessments, duplicates, intake, people, use_cases
from tests.conftest import counts
from tests.services.factories import propose, score_all

KPI = {
    "name": "Automated resolution",
    "kind": "business",
    "unit": "%",
    "direction": "higher",
    "baseline": 0,
    "target": 30,
    "target_on": date(2027, 6, 30),
}


def test_proposing_with_kpis_and_questionnaire_answers(engine, admin):
    with db.unit_of_work(engine) as session:
        key = intake.propose(
            session,
            admin,
            propose.fields(admin, ai_act_tier="limited", ai_act_reason="Chatbot (Art. 50)."),
            kpis=[
                KPI,
                KPI
                | {
                    "name": "Customer satisfaction",
                    "kind": "trust",
                    "unit": "score 1-10",
                    "baseline": 7.6,
                    "target": 8.1,
                },
            ],
            tier_answers={"talks_to_people": True},
        ).key
    with Session(engine) as session:
        use_case = use_cases.get_use_case(session, key)
        assert use_case.extra["ai_act_questionnaire"] == {
            "answers": {"talks_to_people": True},
            "suggested": "limited",
        }
        assert sorted(session.exec(select(Kpi.name)).all()) == [
            "Automated resolution",
            "Customer satisfaction",
        ]


@pytest.mark.parametrize(
    ("kpi", "message"),
    [
        (KPI | {"name": ""}, "KPI name is required"),
        (KPI | {"unit": "score 1-10", "target": 11}, "between 1 and 10"),
        (KPI | {"direction": "sideways"}, "Direction: choose one of"),
        (KPI | {"baseline": "lots"}, "Baseline must be a number"),
    ],
)
def test_a_bad_kpi_refuses_the_whole_proposal(engine, admin, kpi, message):
    before = counts(engine)
    with pytest.raises(InvalidInput) as error, db.unit_of_work(engine) as session:
        intake.propose(session, admin, propose.fields(admin), kpis=[KPI, kpi])
    assert message in error.value.problems["kpi 2"]
    assert counts(engine) == before


def test_likely_duplicates_are_found_by_meaning_not_only_exact_title(engine, admin):
    propose(
        engine,
        admin,
        title="Customer-service assistant for simple questions",
        problem="Customers wait six minutes for answers to simple questions about opening hours.",
    )
    propose(engine, admin, title="Fresh-produce demand forecasting", problem="Stores throw away fresh food.")
    with Session(engine) as session:
        found = duplicates.similar_use_cases(session, "Assistant answering simple customer questions")
        assert found["key"].tolist() == ["UC-0001"]
        by_problem = duplicates.similar_use_cases(
            session, "Chatbot", "Simple questions about opening hours make customers wait minutes for answers"
        )
        assert "UC-0001" in by_problem["key"].tolist()
        assert duplicates.similar_use_cases(session, "Drone delivery of parcels").empty


def criteria_rows(**changes):
    rows = [
        {
            "key": c.key,
            "name": c.name,
            "dimension": c.dimension.value,
            "weight": c.weight,
            "anchor_low": c.anchor_low,
            "anchor_high": c.anchor_high,
        }
        for c in DEFAULT_CRITERIA
    ]
    for key, change in changes.items():
        rows = [row | change if row["key"] == key else row for row in rows]
    return rows


def new_version(engine, actor, rows, **fields):
    with db.unit_of_work(engine) as session:
        return assessments.create_model_version(
            session,
            actor,
            criteria=rows,
            expected_version=assessments.active_model(session).version_number,
            **({"name": "Model v2", "note": "Reach matters more"} | fields),
        )


def test_a_new_model_version_keeps_old_scores_on_their_version(engine, admin):
    key = propose(engine, admin)
    with db.unit_of_work(engine) as session:
        assessments.record_assessment(session, admin, key, score_all(3))
    version = new_version(engine, admin, criteria_rows(reach={"weight": 3}), impact_threshold=60)
    assert version.version_number == 2
    with db.unit_of_work(engine) as session:
        assessments.record_assessment(session, admin, key, score_all(4))
    with Session(engine) as session:
        models = {m.version_number: m for m in session.exec(select(ScoringModel)).all()}
        assert not models[1].is_active and models[2].is_active and models[2].impact_threshold == 60
        used = [a.scoring_model_id for a in session.exec(select(Assessment).order_by(Assessment.id)).all()]
        assert used == [models[1].id, models[2].id]
        history = assessments.model_versions(session)
        assert history["assessments"].tolist() == [1, 1]
        assert use_cases.use_case_detail(session, key).assessments["model_version"].tolist() == [2, 1]


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        (criteria_rows(reach={"weight": None}), "criterion 5", "Weight is required"),
        (criteria_rows(reach={"weight": 0}), "criterion 5", "Weight must be more than 0"),
        (criteria_rows(reach={"weight": -2}), "criterion 5", "more than 0"),
        (criteria_rows(reach={"weight": "heavy"}), "criterion 5", "Weight must be a number"),
        (criteria_rows(reach={"weight": 40}), "reach", "keep every criterion under 60%"),
        (criteria_rows(reach={"anchor_high": ""}), "criterion 5", "What a 5 means is required"),
        (criteria_rows(reach={"key": "Reach Score"}), "criterion 5", "Key"),
        (
            criteria_rows(reach={"key": "reach", "dimension": "value"}),
            "criterion 5",
            "Dimension: choose one of",
        ),
        (criteria_rows(reach={"key": "customer_value"}), "customer_value", "used twice"),
        ([r for r in criteria_rows() if r["dimension"] == "impact"], "risk", "at least 2 criteria"),
    ],
)
def test_bad_scoring_models_are_refused_and_change_nothing(engine, admin, rows, field, message):
    before = counts(engine)
    with pytest.raises(InvalidInput) as error:
        new_version(engine, admin, rows)
    assert message in error.value.problems[field]
    assert counts(engine) == before


def test_thresholds_must_be_on_the_scale(engine, admin):
    with pytest.raises(InvalidInput, match="Impact threshold must be at most 100"):
        new_version(engine, admin, criteria_rows(), impact_threshold=120)


def test_only_administrators_change_the_model(engine, admin):
    with db.unit_of_work(engine) as session:
        people.create_person(session, admin, name="Rita", email="rita@example.org", roles=["reviewer"])
        rita = people.actor_for(session, "rita@example.org")
    with pytest.raises(NotAllowed, match="administrator role"):
        new_version(engine, rita, criteria_rows())


def test_matrix_and_backlog(engine, admin):
    quick = propose(engine, admin, title="Quick win")
    bet = propose(engine, admin, title="Strategic bet")
    propose(engine, admin, title="Not scored yet")
    with db.unit_of_work(engine) as session:
        assessments.record_assessment(
            session,
            admin,
            quick,
            score_all(2)
            | dict.fromkeys(
                ["customer_value", "business_value", "strategic_fit", "employee_relief", "reach"], 4
            ),
        )
        assessments.record_assessment(session, admin, bet, score_all(4))
    with Session(engine) as session:
        view = assessments.matrix_view(session)
        points = view.points
        assert dict(zip(points["key"], points["quadrant"], strict=True)) == {
            quick: "quick_win",
            bet: "strategic_bet",
        }
        assert dict(zip(points["key"], points["reach"], strict=True)) == {quick: 4, bet: 4}
        assert (view.scored, view.quadrant_counts) == (
            2,
            {"quick_win": 1, "strategic_bet": 1, "experiment": 0, "avoid": 0},
        )
        queue = view.backlog
        assert queue["key"].tolist() == [quick, bet]  # 75 - 12.5 beats 75 - 37.5
        assert queue["priority"].tolist() == [62.5, 37.5]
        assert (view.backlog_total, view.backlog_pages, view.backlog_page) == (2, 1, 1)
        only_services = assessments.matrix_view(session, assessments.MatrixFilter(sectors=("retail",)))
        assert only_services.points.empty and only_services.backlog.empty and only_services.scored == 0
        rows = assessments.reviewer_scores(session, quick)
        assert list(rows.columns) == ["dimension", "criterion", "Test Administrator"]
        assert rows.set_index("criterion").loc["Reach", "Test Administrator"] == 4


def test_a_new_criterion_without_a_short_id_gets_one_from_its_name(engine, admin):
    """The editor does not ask for the id (it would not fit at 1280 px): a new criterion takes it from its
    name, never one that another criterion has."""
    added = {
        "name": "Customer value",  # a second criterion of that name gets its own id
        "dimension": "risk",
        "weight": 1,
        "anchor_low": "Low",
        "anchor_high": "High",
    }
    carbon = added | {"name": "Carbon footprint", "key": " "}
    version = new_version(engine, admin, [*criteria_rows(), added, carbon])
    with Session(engine) as session:
        keys = [
            c.key
            for c in session.exec(
                select(Criterion).where(Criterion.scoring_model_id == version.id).order_by(Criterion.position)
            ).all()
        ]
    assert keys[-2:] == ["customer_value_2", "carbon_footprint"]
    assert len(set(keys)) == len(keys)


def test_short_ids_from_names_are_plain_and_start_with_a_letter():
    from portfolio.scoring import criterion_key

    assert criterion_key("Carbon footprint") == "carbon_footprint"
    assert criterion_key("Carbon footprint", {"carbon_footprint"}) == "carbon_footprint_2"
    assert criterion_key("Été — ça va?") == "ete_ca_va"
    assert criterion_key("42 things") == "criterion_42_things"
    assert criterion_key("!!!") == "criterion"
    assert len(criterion_key("x" * 80)) <= 50


def test_the_weights_table_shows_each_share_of_the_active_version(engine, admin):
    new_version(engine, admin, criteria_rows(reach={"weight": 3}))
    impact = [c for c in DEFAULT_CRITERIA if c.dimension == "impact"]
    impact_total = sum(c.weight for c in impact if c.key != "reach") + 3
    with Session(engine) as session:
        weights = assessments.criterion_weights(assessments.active_model(session))
    assert weights["dimension"].tolist() == ["impact"] * len(impact) + ["risk"] * (
        len(DEFAULT_CRITERIA) - len(impact)
    )
    reach = next(c.name for c in impact if c.key == "reach")
    assert weights.set_index("name").loc[reach, "share"] == pytest.approx(3 / impact_total)
    assert weights.groupby("dimension")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
