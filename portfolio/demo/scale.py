"""The scale generator: a large, plausible portfolio for benchmarks and load tests (`portfolio demo --scale N`).

The demo organisation is written through the services so that it obeys every rule; ten thousand use cases
with two million measurements cannot be, in minutes. This module writes the same shapes with bulk inserts,
keeping the invariants the services keep: each stage reached through a recorded stage change, a go decision
at every gate passed, a charter for every pilot, each use case's kept mean scores from its reviewers' latest
assessments, each KPI's kept latest measurement. Its vocabulary (titles, teams, KPIs, lessons) is the demo's.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlmodel import Session, SQLModel

from portfolio import scoring
from portfolio.db import unit_of_work
from portfolio.demo.content import CASES, PEOPLE, VALUE_KPIS
from portfolio.errors import RuleViolation
from portfolio.kpis import NON_NEGATIVE_UNITS, UNIT_RANGES
from portfolio.models import Dimension, Stage, UseCase
from portfolio.services import assessments, gates

Progress = Callable[[float, str], None]

# Where the use cases of a mature portfolio stand (shares add up to 1).
STAGE_MIX: tuple[tuple[Stage, float], ...] = (
    (Stage.proposed, 0.22),
    (Stage.assessed, 0.18),
    (Stage.pilot, 0.20),
    (Stage.scale_up, 0.08),
    (Stage.production, 0.14),
    (Stage.retired, 0.04),
    (Stage.rejected, 0.08),
    (Stage.stopped, 0.06),
)
# The path to each stage: rejected use cases were assessed first, stopped ones piloted.
PATHS: dict[Stage, tuple[Stage, ...]] = {
    Stage.proposed: (Stage.proposed,),
    Stage.assessed: (Stage.proposed, Stage.assessed),
    Stage.pilot: (Stage.proposed, Stage.assessed, Stage.pilot),
    Stage.scale_up: (Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up),
    Stage.production: (Stage.proposed, Stage.assessed, Stage.pilot, Stage.scale_up, Stage.production),
    Stage.retired: (
        Stage.proposed,
        Stage.assessed,
        Stage.pilot,
        Stage.scale_up,
        Stage.production,
        Stage.retired,
    ),
    Stage.rejected: (Stage.proposed, Stage.assessed, Stage.rejected),
    Stage.stopped: (Stage.proposed, Stage.assessed, Stage.pilot, Stage.stopped),
}
# How long a use case stays in each stage it passes through (days, low and high).
DWELL = {
    Stage.proposed: (20, 75),
    Stage.assessed: (30, 120),
    Stage.pilot: (100, 240),
    Stage.scale_up: (90, 300),
    Stage.production: (180, 720),
}
GATE_OF = {Stage.pilot: "pilot", Stage.scale_up: "scale_up", Stage.production: "production"}
SITES = ("North", "South", "East", "West", "Central", "Coast", "Alpine", "Harbour", "Riverside", "Metro")
FIRST_NAMES = (
    "Ana",
    "Bram",
    "Chloé",
    "Dmitri",
    "Eva",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jakob",
    "Kofi",
    "Lena",
)
LAST_NAMES = ("Andersen", "Bianchi", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova")
GENERIC_KPIS: tuple[dict[str, Any], ...] = (
    {
        "name": "Customer satisfaction",
        "kind": "trust",
        "unit": "score 1-10",
        "direction": "higher",
        "baseline": 7.4,
        "target": 8.2,
    },
    {
        "name": "Hand-overs to a person answered within 2 minutes",
        "kind": "trust",
        "unit": "%",
        "direction": "higher",
        "baseline": 70,
        "target": 90,
    },
    {
        "name": "Employee adoption",
        "kind": "employee",
        "unit": "%",
        "direction": "higher",
        "baseline": 10,
        "target": 60,
    },
    {
        "name": "Model accuracy",
        "kind": "model_quality",
        "unit": "%",
        "direction": "higher",
        "baseline": 78,
        "target": 90,
    },
    {
        "name": "Fairness gap between customer groups",
        "kind": "fairness",
        "unit": "percentage points",
        "direction": "lower",
        "baseline": 6,
        "target": 2,
    },
    {
        "name": "Staff hours saved",
        "kind": "business",
        "unit": "hours per month",
        "direction": "higher",
        "baseline": 0,
        "target": 400,
    },
)
LESSON_CATEGORIES = ("data", "model", "adoption", "customer_trust", "governance", "vendor_cost", "other")
CHUNK = 50_000
MEASUREMENT_COLUMNS = (
    "id",
    "kpi_id",
    "measured_on",
    "value",
    "note",
    "source",
    "created_at",
    "updated_at",
    "version",
)


@dataclass
class Generated:
    use_cases: int = 0
    people: int = 0
    assessments: int = 0
    gate_decisions: int = 0
    kpis: int = 0
    measurements: int = 0
    lessons: int = 0


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _next_id(session: Session, name: str) -> int:
    return (session.execute(select(func.max(_table(name).c.id))).scalar() or 0) + 1


def _clip(unit: str, value: float) -> float:
    if unit in UNIT_RANGES:
        low, high = UNIT_RANGES[unit]
        return min(max(value, low), high)
    return max(value, 0.0) if unit in NON_NEGATIVE_UNITS else value


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


class ScaleBuilder:
    """Builds rows in memory, table by table, and writes them in chunks."""

    def __init__(self, session: Session, count: int, measurements: int, seed: int, today: date):
        self.session = session
        self.count = count
        self.rng = random.Random(seed)
        self.today = today
        self.now = _at(today)
        # Measurements are spread over the KPIs of use cases that reached a pilot.
        self.measurement_budget = measurements
        self.model = assessments.active_model(session)
        self.ids = {
            name: _next_id(session, name)
            for name in (
                "person",
                "use_case",
                "assessment",
                "gate_decision",
                "stage_change",
                "pilot_charter",
                "kpi",
                "measurement",
                "lesson",
            )
        }
        self.first_ids = dict(self.ids)
        self.kpis_written = 0
        self.done = Generated()

    def take_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), CHUNK):
            self.session.execute(insert(_table(table)), rows[start : start + CHUNK])

    # People ---------------------------------------------------------------------------------------------

    def add_people(self) -> tuple[list[int], list[int], list[int]]:
        """The demo's people plus enough owners for a large organisation: (owners, reviewers, approvers)."""
        people, roles = [], []
        owners, reviewers, approvers = [], [], []
        existing = {e for (e,) in self.session.execute(select(_table("person").c.email))}
        generated = [
            (
                f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                f"owner{n:05d}@scale.example",
                self.rng.choice(CASES)["team"],
                ["contributor"],
            )
            for n in range(1, max(20, self.count // 25) + 1)
        ]
        for name, email, team, person_roles in [*PEOPLE, *generated]:
            if email in existing:
                continue
            person_id = self.take_id("person")
            people.append(
                {
                    "id": person_id,
                    "email": email,
                    "name": name,
                    "team": team,
                    "is_active": True,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                }
            )
            roles.extend({"person_id": person_id, "role": role} for role in person_roles)
            if "contributor" in person_roles:
                owners.append(person_id)
            if "reviewer" in person_roles:
                reviewers.append(person_id)
            if "approver" in person_roles:
                approvers.append(person_id)
        self.write("person", people)
        self.write("person_role", roles)
        self.done.people = len(people)
        if len(reviewers) < 2 or not approvers:
            raise RuleViolation(
                "The scale generator needs the demo's reviewers and approvers; the people table "
                "already holds some of them with other e-mails."
            )
        return owners, reviewers, approvers

    # Use cases ------------------------------------------------------------------------------------------

    def stage_for(self) -> Stage:
        roll, total = self.rng.random(), 0.0
        for stage, share in STAGE_MIX:
            total += share
            if roll < total:
                return stage
        return Stage.proposed

    def entry_days(self, path: tuple[Stage, ...]) -> list[date]:
        """When each stage of the path was entered, oldest first: each earlier stage lasted a plausible
        time, and the current one was entered between a few days and over a year ago."""
        dwell = [self.rng.randint(*DWELL[stage]) for stage in path[:-1]]
        day = self.today - timedelta(days=sum(dwell) + self.rng.randint(3, 400))
        days = [day]
        for days_in_stage in dwell:
            day += timedelta(days=days_in_stage)
            days.append(day)
        return days

    def generate(self, progress: Progress | None) -> Generated:
        owners, reviewers, approvers = self.add_people()
        rows: dict[str, list[dict[str, Any]]] = {
            name: []
            for name in (
                "use_case",
                "stage_change",
                "assessment",
                "assessment_score",
                "gate_decision",
                "pilot_charter",
                "kpi",
                "lesson",
            )
        }
        kpi_specs: list[tuple[int, dict[str, Any], date, date]] = []
        for number in range(1, self.count + 1):
            self.add_use_case(number, owners, reviewers, approvers, rows, kpi_specs)
            if progress and number % 500 == 0:
                progress(0.4 * number / self.count, f"{number:,} use cases")
        # Referenced tables first.
        for table in (
            "use_case",
            "gate_decision",
            "stage_change",
            "assessment",
            "assessment_score",
            "pilot_charter",
        ):
            self.write(table, rows[table])
        self.done.use_cases = len(rows["use_case"])
        self.done.assessments = len(rows["assessment"])
        self.done.gate_decisions = len(rows["gate_decision"])
        self.add_kpis_and_measurements(rows["kpi"], kpi_specs, progress)
        self.write("lesson", rows["lesson"])
        self.done.lessons = len(rows["lesson"])
        return self.done

    def add_use_case(
        self,
        number: int,
        owners: list[int],
        reviewers: list[int],
        approvers: list[int],
        rows: dict[str, list[dict[str, Any]]],
        kpi_specs: list[tuple[int, dict[str, Any], date, date]],
    ) -> None:
        rng = self.rng
        case = rng.choice(CASES)
        stage = self.stage_for()
        if case.get("tier") == "prohibited" and stage not in (Stage.proposed, Stage.assessed, Stage.rejected):
            stage = Stage.rejected
        path = PATHS[stage]
        days = self.entry_days(path)
        use_case_id = self.take_id("use_case")
        owner = rng.choice(owners)
        site = f"{rng.choice(SITES)} {rng.randint(1, 400)}"
        one_off = round(rng.uniform(10_000, 200_000), -3) if stage not in (Stage.proposed,) else None
        rows["use_case"].append(
            {
                "id": use_case_id,
                "key": f"UC-{number:04d}",
                "title": f"{case['title']} ({site})",
                "problem": case["problem"],
                "audience": case.get("audience", "customers"),
                "team": case["team"],
                "business_unit": case.get("business_unit", ""),
                "sector": case["sector"],
                "owner_id": owner,
                "sponsor_id": rng.choice(approvers),
                "ai_kind": case["ai_kind"],
                "customer_facing": case.get("customer_facing", False),
                "decisions_about_people": case.get("decisions_about_people", False),
                "personal_data": case.get("personal_data", ""),
                "sensitive_data": case.get("sensitive_data", False),
                "data_completeness": case["readiness"][0],
                "data_accuracy": case["readiness"][1],
                "data_currency": case["readiness"][2],
                "measurable_goal": case.get("goal", ""),
                "ai_act_tier": case.get("tier"),
                "ai_act_reason": case.get("tier_reason", ""),
                "monitoring_owner_id": rng.choice(reviewers)
                if stage in (Stage.scale_up, Stage.production)
                else None,
                "ai_disclosure": case.get("disclosure", False) or rng.random() < 0.7,
                "human_path": case.get("human_path", False) or rng.random() < 0.6,
                "stage": stage.value,
                "stage_entered_at": _at(days[-1]),
                "source": "generated",
                "source_file": None,
                "source_row": None,
                "extra": {},
                "impact_score": None,
                "risk_score": None,
                "score_spread": None,
                "reviewer_count": 0,
                "one_off_cost": one_off,
                "running_cost_per_month": round(one_off / 30, -2) if one_off else None,
                "created_at": _at(days[0]),
                "updated_at": _at(days[-1]),
                "version": 1,
            }
        )
        previous = None
        gate_ids: dict[Stage, int] = {}
        for entered, day in zip(path, days, strict=True):
            gate_id = None
            if entered in GATE_OF:
                gate_id = self.take_id("gate_decision")
                gate_ids[entered] = gate_id
                rows["gate_decision"].append(
                    {
                        "id": gate_id,
                        "use_case_id": use_case_id,
                        "gate": GATE_OF[entered],
                        "outcome": "go",
                        "decided_by_id": rng.choice(approvers),
                        "decided_on": day,
                        "rationale": "Business case and measurable goal in place; start small and review at the "
                        "decision date.",
                        "checklist": [],
                        "overrides": [],
                        "recorded_at": _at(day),
                    }
                )
            rows["stage_change"].append(
                {
                    "id": self.take_id("stage_change"),
                    "use_case_id": use_case_id,
                    "from_stage": previous.value if previous else None,
                    "to_stage": entered.value,
                    "changed_at": _at(day),
                    "changed_by_id": owner,
                    "gate_decision_id": gate_id,
                    "reason": "Stopped at the pilot review."
                    if entered == Stage.stopped
                    else "Not pursued after assessment."
                    if entered == Stage.rejected
                    else "Retired after replacement."
                    if entered == Stage.retired
                    else "",
                }
            )
            previous = entered
        scored = stage != Stage.proposed or rng.random() < 0.3
        if scored and "impact" in case:
            self.add_assessments(
                use_case_id,
                case,
                days[0],
                rng.sample(
                    reviewers,
                    k=min(
                        len(reviewers),
                        rng.choice((1, 2, 2, 3)) if stage == Stage.proposed else rng.choice((2, 3)),
                    ),
                ),
                rows,
            )
        if Stage.pilot in path:
            pilot_day = days[path.index(Stage.pilot)]
            decision_on = pilot_day + timedelta(days=135)
            rows["pilot_charter"].append(
                {
                    "id": self.take_id("pilot_charter"),
                    "use_case_id": use_case_id,
                    "hypothesis": f"If we pilot this, then: {case.get('goal') or case['problem']}",
                    "scope": f"{site}: two pilot sites, then review.",
                    "start_on": pilot_day,
                    "planned_end_on": pilot_day + timedelta(days=120),
                    "decision_on": decision_on,
                    "min_evidence": "At least 8 weeks of weekly results and 1,000 interactions.",
                    "extensions": 0,
                    "paused": False,
                    "created_at": _at(pilot_day),
                    "updated_at": _at(pilot_day),
                    "version": 1,
                }
            )
            self.add_kpi_specs(
                use_case_id,
                case,
                pilot_day,
                days[-1] if stage in (Stage.stopped, Stage.retired) else self.today,
                kpi_specs,
            )
        elif stage == Stage.assessed:
            # KPIs with a baseline are what the pilot gate asks for; many assessed use cases measure already.
            self.add_kpi_specs(use_case_id, case, days[-1], self.today, kpi_specs)
        if stage == Stage.stopped or (stage in (Stage.production, Stage.retired) and rng.random() < 0.15):
            self.add_lesson(use_case_id, case, owner, days[-1], stage, rows)

    def add_kpi_specs(
        self,
        use_case_id: int,
        case: dict[str, Any],
        from_day: date,
        ended: date,
        kpi_specs: list[tuple[int, dict[str, Any], date, date]],
    ) -> None:
        """Five or six KPIs: the demo case's own, topped up from the trust and employee catalogue."""
        rng = self.rng
        specs = [*case.get("kpis", []), *VALUE_KPIS.get(case["title"], [])]
        for generic in rng.sample(GENERIC_KPIS, k=len(GENERIC_KPIS)):
            if len(specs) >= rng.choice((5, 6)):
                break
            if all(s["name"] != generic["name"] for s in specs):
                specs.append(
                    generic
                    | {"progress": rng.uniform(0.3, 1.2), "target_in": 365, "method": "Weekly report."}
                )
        for spec in specs[:6]:
            # Measured weekly from a baseline period of up to half a year before the pilot.
            baseline_from = from_day - timedelta(days=7 * rng.randint(8, 26))
            kpi_specs.append((use_case_id, spec, baseline_from, ended))

    def add_assessments(
        self,
        use_case_id: int,
        case: dict[str, Any],
        proposed: date,
        reviewer_ids: list[int],
        rows: dict[str, list[dict[str, Any]]],
    ) -> None:
        model = self.model
        latest = []
        for offset, reviewer in enumerate(reviewer_ids):
            scores = {}
            for spec, base in zip(
                [c for c in model.criteria if c.dimension == Dimension.impact], case["impact"], strict=False
            ):
                scores[spec.key] = min(5, max(1, base + self.rng.choice((-1, 0, 0, 1))))
            for spec, base in zip(
                [c for c in model.criteria if c.dimension == Dimension.risk], case["risk"], strict=False
            ):
                scores[spec.key] = min(5, max(1, base + self.rng.choice((-1, 0, 0, 1))))
            for spec in model.criteria:
                scores.setdefault(spec.key, 3)
            impact = scoring.composite(scores, model.criteria, Dimension.impact)
            risk = scoring.composite(scores, model.criteria, Dimension.risk)
            assessment_id = self.take_id("assessment")
            rows["assessment"].append(
                {
                    "id": assessment_id,
                    "use_case_id": use_case_id,
                    "reviewer_id": reviewer,
                    "scoring_model_id": model.id,
                    "impact_score": impact,
                    "risk_score": risk,
                    "comment": "Scored against the anchors.",
                    "assessed_at": _at(proposed + timedelta(days=3 + offset)),
                }
            )
            rows["assessment_score"].extend(
                {
                    "assessment_id": assessment_id,
                    "criterion_id": model.criterion_ids[key],
                    "score": value,
                    "comment": "Scored against the anchor." if value in (1, 5) else "",
                }
                for key, value in scores.items()
            )
            latest.append((impact, risk))
        consensus = scoring.consensus(latest)
        if consensus:
            row = rows["use_case"][-1]
            row.update(
                impact_score=consensus.impact,
                risk_score=consensus.risk,
                score_spread=consensus.spread,
                reviewer_count=consensus.reviewers,
            )

    def add_lesson(
        self,
        use_case_id: int,
        case: dict[str, Any],
        owner: int,
        day: date,
        stage: Stage,
        rows: dict[str, list[dict[str, Any]]],
    ) -> None:
        story = case.get("stop") or {
            "title": f"What {case['title'].lower()} taught us",
            "outcome": "success" if stage == Stage.production else "partial",
            "category": self.rng.choice(LESSON_CATEGORIES),
            "tried": f"A pilot of {case['title'].lower()} at two sites.",
            "happened": "Results met most targets once staff trusted the suggestions.",
            "root_cause": "Adoption followed training, not the model's accuracy.",
            "do_differently": "Involve the people who use it from the first week.",
            "tags": [case["ai_kind"], case["sector"]],
        }
        rows["lesson"].append(
            {
                "id": self.take_id("lesson"),
                "use_case_id": use_case_id,
                "title": story["title"],
                "tried": story["tried"],
                "happened": story["happened"],
                "outcome": story["outcome"],
                "category": story["category"],
                "root_cause": story.get("root_cause", ""),
                "do_differently": story.get("do_differently", ""),
                "tags": list(story.get("tags", [])),
                "author_id": owner,
                # The stage reached: a stopped use case stopped in its pilot.
                "stage": (Stage.pilot if stage == Stage.stopped else stage).value,
                "created_at": _at(day),
                "updated_at": _at(day),
                "version": 1,
            }
        )

    # KPIs and measurements ------------------------------------------------------------------------------

    def add_kpis_and_measurements(
        self,
        kpi_rows: list[dict[str, Any]],
        specs: list[tuple[int, dict[str, Any], date, date]],
        progress: Progress | None,
    ) -> None:
        weeks_available = [max(0, (ended - start).days // 7) for _, _, start, ended in specs]
        total_weeks = sum(weeks_available) or 1
        # Thin every series evenly so the portfolio holds about the asked number of measurements.
        keep_share = min(1.0, self.measurement_budget / total_weeks)
        measurements: list[tuple[Any, ...]] = []
        written = 0
        for index, ((use_case_id, spec, start, ended), weeks) in enumerate(
            zip(specs, weeks_available, strict=True)
        ):
            kpi_id = self.take_id("kpi")
            series = self.series(spec, start, ended, max(1, round(weeks * keep_share)) if weeks else 0)
            latest = series[-1] if series else None
            kpi_rows.append(
                {
                    "id": kpi_id,
                    "use_case_id": use_case_id,
                    "name": spec["name"],
                    "kind": spec["kind"],
                    "unit": spec["unit"],
                    "direction": spec["direction"],
                    "baseline": spec["baseline"],
                    "baseline_on": start,
                    "target": spec["target"],
                    "target_on": start + timedelta(days=spec.get("target_in", 365)),
                    "method": spec.get("method", ""),
                    "reporter_id": None,
                    "latest_value": latest[1] if latest else None,
                    "latest_on": latest[0] if latest else None,
                    "created_at": _at(start),
                    "updated_at": _at(latest[0] if latest else start),
                    "version": 1,
                }
            )
            measurement_id = self.ids["measurement"]
            for day, value in series:
                stamp = _at(day)
                measurements.append(
                    (measurement_id, kpi_id, day, value, "", "Weekly report", stamp, stamp, 1)
                )
                measurement_id += 1
            self.ids["measurement"] = measurement_id
            if len(measurements) >= CHUNK * 4:
                self.flush_measurements(kpi_rows, measurements)
                written += len(measurements)
                measurements = []
                if progress:
                    progress(0.4 + 0.6 * index / max(len(specs), 1), f"{written:,} measurements")
        self.flush_measurements(kpi_rows, measurements)
        self.done.measurements = self.ids["measurement"] - self.first_ids["measurement"]
        self.done.kpis = self.kpis_written

    def flush_measurements(self, kpi_rows: list[dict[str, Any]], measurements: list[tuple[Any, ...]]) -> None:
        # KPIs first: the measurements refer to them.
        self.write("kpi", kpi_rows)
        self.kpis_written += len(kpi_rows)
        kpi_rows.clear()
        self.write_raw("measurement", MEASUREMENT_COLUMNS, measurements)

    def write_raw(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Millions of rows: straight to the driver (COPY on PostgreSQL), skipping per-value type processing."""
        if not rows:
            return
        connection = self.session.connection()
        names = ", ".join(columns)
        if connection.dialect.name == "postgresql":
            raw = connection.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
            return
        # SQLite: the text format SQLAlchemy itself stores dates and UTC timestamps in.
        formatted = [
            tuple(
                value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                if isinstance(value, datetime)
                else value.isoformat()
                if isinstance(value, date)
                else value
                for value in row
            )
            for row in rows
        ]
        placeholders = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", formatted)

    def series(self, spec: dict[str, Any], start: date, end: date, points: int) -> list[tuple[date, float]]:
        """`points` weekly values, the latest ones, moving from baseline toward `progress` of the target."""
        if points <= 0:
            return []
        weeks = max((end - start).days // 7, 1)
        span = spec["target"] - spec["baseline"]
        progress = spec.get("progress", 0.8)
        noise = abs(span) * 0.04
        values = []
        for week in range(weeks - points + 1, weeks + 1):
            share = week / weeks
            value = spec["baseline"] + span * progress * (share**0.7) + self.rng.gauss(0, noise)
            values.append((start + timedelta(days=7 * week), round(_clip(spec["unit"], value), 2)))
        return values


def _reset_sequences(session: Session) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move each to its table's highest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in SQLModel.metadata.sorted_tables:
        if (
            "id" in table.c
            and table.c.id.autoincrement in (True, "auto")
            and table.name != "portfolio_revision"
        ):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                )
            )


def generate_scale_portfolio(
    engine: Engine,
    count: int,
    *,
    measurements: int | None = None,
    seed: int = 11,
    today: date | None = None,
    progress: Progress | None = None,
) -> Generated:
    """Fill an empty portfolio with `count` generated use cases and about `measurements` KPI measurements
    (default: 200 per use case, so 10,000 use cases hold two million). Written in one transaction."""
    if not 1 <= count <= 200_000:
        raise RuleViolation("Choose between 1 and 200,000 use cases for a generated portfolio.")
    with unit_of_work(engine) as session:
        existing = session.execute(select(func.count()).select_from(UseCase)).scalar_one()
        if existing:
            raise RuleViolation(
                f"The database already holds {existing} use cases; a generated portfolio is only written into "
                "an empty one."
            )
        assessments.ensure_default_scoring_model(session)
        gates.ensure_default_checklists(session)
        session.flush()
        builder = ScaleBuilder(
            session,
            count,
            measurements if measurements is not None else 200 * count,
            seed,
            today or datetime.now(UTC).date(),
        )
        done = builder.generate(progress)
        _reset_sequences(session)
    if progress:
        progress(1.0, "done")
    return done
