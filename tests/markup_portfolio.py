"""A portfolio whose typed text is full of markup (Markdown, Streamlit's colour directive, HTML, LaTeX), for
the tests that check that text people typed is shown exactly as typed on every page."""

from datetime import timedelta

from sqlalchemy import Engine

from portfolio import db
from portfolio.models import utc_now
from portfolio.services import assessments, gates, lessons, people, results, use_cases
from portfolio.services.audit import Actor
from tests.services.factories import propose, score_all

MARKUP = "Assistant **bold** :red[x] <b>tag</b> $$x^2$$"
# What must never reach a page unescaped: each would be bold, red, HTML or KaTeX there.
FRAGMENTS = ("**bold**", ":red[x]", "<b>tag</b>", "$$x^2$$")


def typed(what: str) -> str:
    """MARKUP with a word saying which field holds it, so a test can tell the fields apart."""
    return f"{MARKUP} {what}"


def add_markup_everywhere(engine: Engine, admin: Actor) -> str:
    """A customer-facing use case titled MARKUP, in pilot-ready shape, whose every typed text (its facts, its
    owner's name, a KPI, a result's note, scores' comments, a stage move's reason, a lesson, a checklist item)
    holds markup; returns its key."""
    with db.unit_of_work(engine) as session:
        owner = people.create_person(
            session,
            admin,
            name=typed("owner"),
            email="markup.owner@example.org",
            team=typed("people team"),
            roles=["contributor"],
        )
    key = propose(
        engine,
        admin,
        title=MARKUP,
        problem=typed("problem"),
        team=typed("team"),
        business_unit=typed("unit"),
        owner_id=owner.id,
        personal_data=typed("data"),
        measurable_goal=typed("goal"),
        ai_act_tier="limited",
        ai_act_reason=typed("tier reason"),
    )
    today = utc_now().date()
    with db.unit_of_work(engine) as session:
        kpi = results.define_kpi(
            session,
            admin,
            key,
            name=typed("KPI"),
            kind="trust",
            unit="%",
            direction="higher",
            baseline=50.0,
            target=80.0,
            method=typed("method"),
        )
        results.log_measurements(
            session,
            admin,
            kpi.id,
            [{"measured_on": today - timedelta(days=3), "value": 60.0, "note": typed("note")}],
        )
    with db.unit_of_work(engine) as session:
        version = use_cases.get_use_case(session, key).version
        assessments.record_assessment(
            session,
            admin,
            key,
            score_all(3),
            comments={"reach": typed("score comment")},
            comment=typed("overall comment"),
            expected_version=version,
        )
    with db.unit_of_work(engine) as session:
        use_cases.move_stage(session, admin, key, "assessed", reason=typed("move reason"))
    with db.unit_of_work(engine) as session:
        lessons.record_lesson(
            session,
            admin,
            key,
            title=typed("lesson"),
            tried=typed("tried"),
            happened=typed("happened"),
            root_cause=typed("cause"),
            do_differently=typed("differently"),
            outcome="partial",
            category="adoption",
            tags=["markup"],
        )
    with db.unit_of_work(engine) as session:
        for gate in ("pilot", "scale_up"):
            items = [
                {"key": i.key, "label": i.label, "rule": i.rule, "applies_to": i.applies_to, "active": True}
                for i in gates.checklist_items(session, gate)
            ]
            item = {
                "key": "markup_item",
                "label": typed("checklist"),
                "rule": "manual",
                "applies_to": "always",
            }
            gates.replace_checklist(session, admin, gate, [*items, item])
    with db.unit_of_work(engine) as session:
        charter = {
            "hypothesis": typed("hypothesis"),
            "scope": typed("scope"),
            "start_on": today,
            "planned_end_on": today + timedelta(days=90),
            "decision_on": today + timedelta(days=100),
            "min_evidence": typed("evidence"),
        }
        confirmed = {"markup_item": True}
        unmet = [r for r in gates.preview_checklist(session, key, "pilot", confirmed, charter) if not r.met]
        gates.record_gate_decision(
            session,
            admin,
            key,
            gate="pilot",
            outcome="go",
            rationale=typed("rationale"),
            decided_on=today,
            confirmed=confirmed,
            overrides={r.key: typed("override") for r in unmet},
            charter=charter,
        )
    return key
