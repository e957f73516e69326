"""Every write service, driven with hostile values in each of its inputs, on SQLite and PostgreSQL.

Each value must either be refused with a PortfolioError whose message a person can read, leaving no row and
no audit event behind, or be stored so that it reads back as given (text trimmed). Anything else (a raw
database error, a TypeError, a value stored differently) fails the test."""

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, col, select

from portfolio import db
from portfolio.errors import PortfolioError
from portfolio.models import (
    Assessment,
    AssessmentScore,
    Criterion,
    GateDecision,
    Kpi,
    Lesson,
    Measurement,
    Person,
    PilotReview,
    Setting,
    StageChange,
    UseCase,
    utc_now,
)
from portfolio.scoring import DEFAULT_CRITERIA
from portfolio.services import (
    assessments,
    gates,
    intake,
    kpi_edits,
    lessons,
    people,
    pipeline,
    results,
    use_cases,
)
from portfolio.services.audit import Actor
from tests.services.factories import propose, score_all
from tests.services.test_scoring_gates_results import CHARTER, LESSON, assessed, decide

TODAY = utc_now().date()

# Values a person might never type but a form, an import or a script can send. Values that some fields
# accept come last, so a write that succeeds (and changes what later writes meet) runs after the refusals.
HOSTILE: dict[str, Any] = {
    "100 KB": "x" * 100_000,
    "NUL": "a\x00b",
    "control character": "bell\x07ring",
    "right-to-left override": "abc\u202edef",
    "broken unicode": "Caf\udce9",
    "NaN": float("nan"),
    "infinity": float("inf"),
    "minus infinity": float("-inf"),
    "huge": 1e308,
    "huge whole number": 10**30,
    "year 1": date(1, 1, 1),
    "year 9999": date(9999, 12, 31),
    "list": ["a", 1],
    "dict": {"a": object()},
    "object": object(),
    "bytes": b"abc",
    "empty": "",
    "whitespace": "  \t ",
    "negative": -1,
    "yes": True,
    "None": None,
}


class World:
    """What the writes act on, built lazily through the services so a test pays only for what it uses."""

    def __init__(self, engine: Engine, admin: Actor):
        self.engine, self.admin = engine, admin
        self.counter = itertools.count(1)

    def read(self, read: Callable[[Session], Any]) -> Any:
        with Session(self.engine) as session:
            return read(session)

    @cached_property
    def key(self) -> str:
        return propose(self.engine, self.admin)

    @cached_property
    def assessed_key(self) -> str:
        return assessed(self.engine, self.admin)

    @cached_property
    def pilot_key(self) -> str:
        key = assessed(self.engine, self.admin)
        decide(self.engine, self.admin, key)
        return key

    @cached_property
    def kpi_id(self) -> int:
        key = self.key
        with db.unit_of_work(self.engine) as session:
            kpi = results.define_kpi(
                session,
                self.admin,
                key,
                name="Parcels",
                kind="business",
                unit="parcels",
                direction="higher",
            )
            return kpi.id

    @cached_property
    def measurement_id(self) -> int:
        kpi_id = self.kpi_id
        with db.unit_of_work(self.engine) as session:
            return results.log_measurements(
                session, self.admin, kpi_id, [{"measured_on": TODAY, "value": 5.0}]
            )[0].id

    @cached_property
    def person_id(self) -> int:
        with db.unit_of_work(self.engine) as session:
            return people.create_person(session, self.admin, name="Pat Person", email="pat@example.org").id

    def unique(self) -> int:
        return next(self.counter)

    def version_of(self, session: Session, model: type, id_or_key: Any) -> int:
        if model is UseCase:
            return use_cases.get_use_case(session, id_or_key).version
        return session.get(model, id_or_key).version


def newest(model: type, field: str) -> Callable[[Session, World], Any]:
    def read(session: Session, _world: World) -> Any:
        row = session.exec(select(model).order_by(col(model.id).desc())).first()
        return getattr(row, field)

    return read


@dataclasses.dataclass(frozen=True)
class Write:
    call: Callable[[Session, World, Any], Any]
    read_back: Callable[[Session, World], Any] | None = None  # None: no hostile value may succeed
    extra_values: tuple[Any, ...] = ()
    needs: tuple[str, ...] = ()  # what the world must hold first (built outside the write's transaction)
    default_when_blank: bool = False  # blank text is replaced by a default (e.g. a stop's reason)


def _propose(field: str) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        return use_cases.propose_use_case(session, w.admin, **(propose.fields(w.admin) | {field: v}))

    return Write(call, newest(UseCase, field))


def _update(field: str) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        version = w.version_of(session, UseCase, w.key)
        return use_cases.update_use_case(session, w.admin, w.key, expected_version=version, **{field: v})

    return Write(
        call, lambda session, w: getattr(use_cases.get_use_case(session, w.key), field), needs=("key",)
    )


def _kpi(field: str) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        fields = {"name": f"KPI {w.unique()}", "kind": "business", "unit": "parcels", "direction": "higher"}
        return results.define_kpi(session, w.admin, w.key, **(fields | {field: v}))

    return Write(call, newest(Kpi, field), needs=("key",))


def _measurement(field: str) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        row = {"measured_on": TODAY - timedelta(days=w.unique()), "value": 1.0}
        return results.log_measurements(session, w.admin, w.kpi_id, [row | {field: v}])

    return Write(call, newest(Measurement, field), needs=("kpi_id",))


def _correction(field: str) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        version = w.version_of(session, Measurement, w.measurement_id)
        fields = {"value": 6.0, "reason": "Typo in the report"} | {field: v}
        return results.correct_measurement(
            session, w.admin, w.measurement_id, expected_version=version, **fields
        )

    read = None if field == "reason" else (lambda s, w: getattr(s.get(Measurement, w.measurement_id), field))
    return Write(call, read, needs=("measurement_id",))


def _kpi_edit(field: str) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        fields = {"name": f"KPI {w.unique()}", "kind": "business", "unit": "parcels", "direction": "higher"}
        kpi = results.define_kpi(session, w.admin, w.key, **fields)
        return kpi_edits.edit_kpi(session, w.admin, kpi.id, expected_version=kpi.version, **{field: v})

    return Write(call, newest(Kpi, field), needs=("key",))


def _kpi_retirement(session: Session, w: World, v: Any) -> Any:
    fields = {"name": f"KPI {w.unique()}", "kind": "business", "unit": "parcels", "direction": "higher"}
    kpi = results.define_kpi(session, w.admin, w.key, **fields)
    return kpi_edits.retire_kpi(session, w.admin, kpi.id, expected_version=kpi.version, reason=v)


def _lesson(field: str, extra: tuple[Any, ...] = ()) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        return lessons.record_lesson(session, w.admin, w.key, **(LESSON | {field: v}))

    return Write(call, newest(Lesson, field), extra, needs=("key",))


def _gate(field: str, value_of: Callable[[Any], dict[str, Any]], read: Any = None) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        fields = {"gate": "pilot", "outcome": "hold", "rationale": "Wait for data.", "decided_on": TODAY}
        return gates.record_gate_decision(session, w.admin, w.assessed_key, **(fields | value_of(v)))

    return Write(call, read, needs=("assessed_key",))


def _review(field: str) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        fields = {
            "decision": "pause",
            "reason": "Waiting for the survey.",
            "decided_on": TODAY,
            "new_decision_on": TODAY + timedelta(days=30),
        }
        return gates.extend_or_pause_pilot(session, w.admin, w.pilot_key, **(fields | {field: v}))

    return Write(call, newest(PilotReview, field), needs=("pilot_key",))


def _criteria(change: Callable[[list[dict[str, Any]], Any], None]) -> Callable[[Any], list[dict[str, Any]]]:
    def rows(v: Any) -> list[dict[str, Any]]:
        criteria = [
            {k: v for k, v in dataclasses.asdict(c).items()} | {"dimension": c.dimension.value}
            for c in DEFAULT_CRITERIA
        ]
        change(criteria, v)
        return criteria

    return rows


def _scoring_model(**build: Callable[[Any], Any]) -> Write:
    def call(session: Session, w: World, v: Any) -> Any:
        fields = {
            "name": "Version two",
            "criteria": _criteria(lambda rows, _v: None)(v),
            "expected_version": assessments.active_model(session).version_number,
        }
        return assessments.create_model_version(
            session, w.admin, **(fields | {k: f(v) for k, f in build.items()})
        )

    return Write(call)


def _stage_limit_read(session: Session, _w: World) -> Any:
    setting = session.get(Setting, pipeline.STAGE_LIMITS)
    return setting.value.get("pilot") if setting else None


def _set_label(rows: list[dict[str, Any]], v: Any) -> None:
    rows[0]["name"] = v


EXTRA_VALUES = (
    {"score": float("nan")},
    {"k" * 201: 1},
    {"note": "a\x00b"},
    {"note": "\u202eevil"},
    {"blob": "x" * 60_000},
    {"deep": {"a": {"b": {"c": {"d": {"e": 1}}}}}},
    {"big": 10**30},
    {"when": date(2026, 1, 1)},
    {"fine": "Legacy system ID 4411", "count": 3, "ok": True},
)

WRITES: dict[str, Write] = {
    # use cases
    **{f"propose {f}": _propose(f) for f in ("title", "problem", "team", "personal_data", "owner_id")},
    **{f"propose {f}": _propose(f) for f in ("data_completeness", "one_off_cost", "running_cost_per_month")},
    "propose extra": dataclasses.replace(_propose("extra"), extra_values=EXTRA_VALUES),
    "propose key": Write(
        lambda s, w, v: use_cases.propose_use_case(s, w.admin, key=v, **propose.fields(w.admin)),
        newest(UseCase, "key"),
    ),
    "propose at": Write(
        lambda s, w, v: use_cases.propose_use_case(s, w.admin, at=v, **propose.fields(w.admin))
    ),
    "propose sector": _propose("sector"),
    **{f"update {f}": _update(f) for f in ("title", "measurable_goal", "sponsor_id", "one_off_cost")},
    "update extra": dataclasses.replace(_update("extra"), extra_values=EXTRA_VALUES),
    "update expected_version": Write(
        lambda s, w, v: use_cases.update_use_case(s, w.admin, w.key, expected_version=v, title="New title"),
        needs=("key",),
    ),
    "move reason": Write(
        lambda s, w, v: use_cases.move_stage(s, w.admin, w.key, "rejected", reason=v),
        lambda s, w: s.exec(select(StageChange).order_by(col(StageChange.id).desc())).first().reason,
        needs=("key",),
    ),
    "move target": Write(
        lambda s, w, v: use_cases.move_stage(s, w.admin, w.key, v, reason="Because"), needs=("key",)
    ),
    "move key": Write(lambda s, w, v: use_cases.move_stage(s, w.admin, v, "rejected", reason="Because")),
    "move at": Write(
        lambda s, w, v: use_cases.move_stage(s, w.admin, w.key, "rejected", reason="x", at=v), needs=("key",)
    ),
    # lessons and stopping
    **{f"lesson {f}": _lesson(f) for f in ("title", "happened", "root_cause")},
    "lesson tags": _lesson("tags", (["x" * 100], ["a\x00"], [None], ["\u202eright"], ["t"] * 50, [1.5])),
    "stop reason": Write(
        lambda s, w, v: lessons.stop_with_lesson(s, w.admin, w.pilot_key, reason=v, **LESSON),
        lambda s, w: s.exec(select(StageChange).order_by(col(StageChange.id).desc())).first().reason,
        default_when_blank=True,
        needs=("pilot_key",),
    ),
    # gates and pilots
    "gate rationale": _gate("rationale", lambda v: {"rationale": v}, newest(GateDecision, "rationale")),
    "gate decided_on": _gate("decided_on", lambda v: {"decided_on": v}, newest(GateDecision, "decided_on")),
    # A blank override reason is no override: the decision is stored without one.
    "gate override reason": dataclasses.replace(
        _gate("overrides", lambda v: {"overrides": {"scored_by_two": v}}), default_when_blank=True
    ),
    "gate overrides": _gate("overrides", lambda v: {"overrides": v}),
    "gate confirmed": _gate("confirmed", lambda v: {"confirmed": v}),
    "gate charter": _gate("charter", lambda v: {"outcome": "go", "charter": CHARTER | {"hypothesis": v}}),
    "gate charter dates": _gate("charter", lambda v: {"outcome": "go", "charter": CHARTER | {"start_on": v}}),
    **{f"pilot review {f}": _review(f) for f in ("reason", "new_decision_on")},
    # KPIs and results
    **{
        f"kpi {f}": _kpi(f)
        for f in ("name", "unit", "baseline", "target", "target_on", "method", "reporter_id")
    },
    **{f"result {f}": _measurement(f) for f in ("value", "measured_on", "note", "source")},
    "result rows": Write(
        lambda s, w, v: results.log_measurements(s, w.admin, w.kpi_id, v), needs=("kpi_id",)
    ),
    "result kpi_id": Write(
        lambda s, w, v: results.log_measurements(s, w.admin, v, [{"measured_on": TODAY, "value": 1}])
    ),
    **{f"correction {f}": _correction(f) for f in ("value", "note", "reason")},
    "correction expected_version": Write(
        lambda s, w, v: results.correct_measurement(
            s, w.admin, w.measurement_id, expected_version=v, value=1.0, reason="Typo"
        ),
        needs=("measurement_id",),
    ),
    "correction measurement_id": Write(
        lambda s, w, v: results.correct_measurement(
            s, w.admin, v, expected_version=1, value=1.0, reason="Typo"
        )
    ),
    **{
        f"kpi edit {f}": _kpi_edit(f)
        for f in ("name", "kind", "unit", "direction", "baseline", "target", "target_on", "method")
    },
    "kpi edit expected_version": Write(
        lambda s, w, v: kpi_edits.edit_kpi(s, w.admin, w.kpi_id, expected_version=v, name="Renamed"),
        needs=("kpi_id",),
    ),
    "kpi edit kpi_id": Write(lambda s, w, v: kpi_edits.edit_kpi(s, w.admin, v, expected_version=1)),
    "kpi retirement reason": Write(_kpi_retirement, newest(Kpi, "retired_reason"), needs=("key",)),
    "hourly rate": Write(lambda s, w, v: results.set_hourly_rate(s, w.admin, v)),
    # scoring
    "score": Write(
        lambda s, w, v: assessments.record_assessment(s, w.admin, w.key, score_all(3, customer_value=v)),
        needs=("key",),
    ),
    "score comment": Write(
        lambda s, w, v: assessments.record_assessment(s, w.admin, w.key, score_all(3), comment=v),
        newest(Assessment, "comment"),
        needs=("key",),
    ),
    "score criterion comment": Write(
        lambda s, w, v: assessments.record_assessment(
            s, w.admin, w.key, score_all(3), comments={"customer_value": v}
        ),
        lambda s, w: s.exec(
            select(AssessmentScore.comment)
            .join(Criterion, Criterion.id == AssessmentScore.criterion_id)
            .where(Criterion.key == "customer_value")
            .order_by(col(AssessmentScore.assessment_id).desc())
        ).first(),
        needs=("key",),
    ),
    "scores": Write(lambda s, w, v: assessments.record_assessment(s, w.admin, w.key, v), needs=("key",)),
    "scoring model name": _scoring_model(name=lambda v: v),
    "scoring model threshold": _scoring_model(impact_threshold=lambda v: v),
    "scoring model criterion": _scoring_model(criteria=_criteria(_set_label)),
    "scoring model weight": _scoring_model(criteria=_criteria(lambda rows, v: rows[0].update(weight=v))),
    "scoring model expected_version": _scoring_model(expected_version=lambda v: v),
    # people and settings
    **{
        f"person {f}": Write(
            lambda s, w, v, f=f: people.create_person(
                s, w.admin, **({"name": "Pat", "email": f"p{w.unique()}@example.org"} | {f: v})
            ),
            newest(Person, f) if f != "roles" else None,
        )
        for f in ("name", "email", "team", "roles")
    },
    "person email shape": Write(
        lambda s, w, v: people.create_person(s, w.admin, name="Pat", email=v),
        extra_values=("x@.", "x@y", "a b@c.org", "x@-y.org", "@example.org", "x@@example.org", "x@example.o"),
    ),
    "roles": Write(lambda s, w, v: people.set_roles(s, w.admin, w.person_id, v), needs=("person_id",)),
    "roles person_id": Write(lambda s, w, v: people.set_roles(s, w.admin, v, ["viewer"])),
    "stage limit": Write(
        lambda s, w, v: pipeline.set_stage_limits(s, w.admin, {"pilot": v}), _stage_limit_read
    ),
    "stage limits": Write(lambda s, w, v: pipeline.set_stage_limits(s, w.admin, v)),
    "checklist label": Write(
        lambda s, w, v: gates.replace_checklist(
            s, w.admin, "pilot", [{"key": "only_item", "label": v, "rule": "manual", "applies_to": "always"}]
        ),
        lambda s, w: gates.checklist_table(s, "pilot")["label"].tolist()[0],
    ),
    "checklist rows": Write(lambda s, w, v: gates.replace_checklist(s, w.admin, "pilot", v)),
    "checklist gate": Write(
        lambda s, w, v: gates.replace_checklist(
            s, w.admin, v, [{"key": "only_item", "label": "Fine", "rule": "manual", "applies_to": "always"}]
        )
    ),
    "intake kpis": Write(lambda s, w, v: intake.propose(s, w.admin, propose.fields(w.admin), kpis=v)),
    "intake tier answers": Write(
        lambda s, w, v: intake.propose(s, w.admin, propose.fields(w.admin), tier_answers=v)
    ),
    "intake fields": Write(lambda s, w, v: intake.propose(s, w.admin, v)),
}


def _counts(engine: Engine) -> tuple[int, ...]:
    """Rows per table (audit events included), in one query: refused writes must leave these as they were."""
    tables = [t.name for t in SQLModel.metadata.sorted_tables if t.name != "portfolio_revision"]
    query = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{name}")' for name in tables)
    with engine.connect() as connection:
        return tuple(connection.execute(text(query)).one())


def _expected(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _readable(error: PortfolioError) -> str:
    message = str(error)
    assert message.strip(), f"{type(error).__name__} without a message"
    assert len(message) < 2_000, f"an unreadably long message ({len(message):,} characters)"
    assert "object at 0x" not in message and "Traceback" not in message, message
    return message


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_refuses_hostile_values_or_stores_them_as_given(engine, admin, name):
    write = WRITES[name]
    world = World(engine, admin)
    for need in write.needs:
        getattr(world, need)
    for label, value in [*HOSTILE.items(), *((f"special {i}", v) for i, v in enumerate(write.extra_values))]:
        before = _counts(engine)
        try:
            with db.unit_of_work(engine) as session:
                write.call(session, world, value)
        except PortfolioError as error:
            _readable(error)
            assert _counts(engine) == before, f"{name} with {label}: refused but something was written"
            continue
        if value is None or (write.default_when_blank and isinstance(value, str) and not value.strip()):
            continue  # a blank optional field takes its default
        assert write.read_back is not None, f"{name} accepted {label} ({value!r:.60})"
        stored = world.read(lambda session: write.read_back(session, world))
        if name == "lesson tags":
            assert stored == sorted({t.strip().lower() for t in value if t.strip()}), label
        else:
            assert stored == _expected(value), f"{name} stored {label} as {stored!r:.60}"
