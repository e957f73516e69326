"""The demo portfolio, written through the services so that it obeys every rule a user's data obeys. Each step
of its story is written with the audit events dated on the day it happened (`events_dated`), so the audit
trail tells the same story as the stage history."""

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, func, select

from portfolio import checklist, lifecycle
from portfolio.demo.content import CASES, COSTS, LESSONS, PEOPLE, VALUE_KPIS
from portfolio.errors import RuleViolation
from portfolio.kpis import NON_NEGATIVE_UNITS, UNIT_RANGES
from portfolio.models import Dimension, Gate, GateOutcome, Stage, UseCase, utc_now
from portfolio.services import assessments, gates, lessons, people, results, use_cases
from portfolio.services.audit import SYSTEM, Actor, events_dated

REVIEWERS = ("amira.haddad", "jonas.weber", "claire.dubois")
APPROVERS = {Gate.pilot: "sofia.marin", Gate.scale_up: "pieter.devries", Gate.production: "sofia.marin"}
DOMAIN = "@meridian.example"

Progress = Callable[[float, str], None]


def _at(days_ago: float, now: datetime) -> datetime:
    return now - timedelta(days=days_ago)


def _clip(unit: str, value: float) -> float:
    if unit in UNIT_RANGES:
        low, high = UNIT_RANGES[unit]
        return min(max(value, low), high)
    return max(value, 0.0) if unit in NON_NEGATIVE_UNITS else value


def _reviewer_scores(rng: random.Random, base: tuple[int, ...], spread: int) -> list[int]:
    return [min(5, max(1, b + rng.choice([-spread, 0, 0, spread]))) for b in base]


class DemoBuilder:
    def __init__(self, session: Session, now: datetime, seed: int = 7):
        self.session = session
        self.now = now
        self.rng = random.Random(seed)
        self.actors: dict[str, Actor] = {}

    def actor(self, handle: str) -> Actor:
        return self.actors[handle]

    def person_id(self, handle: str | None) -> int | None:
        return self.actors[handle].id if handle else None

    def add_people(self) -> None:
        for name, email, team, roles in PEOPLE:
            people.create_person(self.session, SYSTEM, name=name, email=email, team=team, roles=roles)
            self.actors[email.removesuffix(DOMAIN)] = people.actor_for(self.session, email)

    def add_case(self, case: dict[str, Any]) -> None:
        history = dict(case["history"])
        owner = self.actor(case["owner"])
        proposed_at = _at(history["proposed"], self.now)
        with events_dated(proposed_at):
            use_case = self.propose(case, owner, proposed_at)
        key = use_case.key
        if "impact" in case:
            self.score(case, key, history)
        # Dated lessons are written in the stage the use case was in on that day.
        told = [*LESSONS.get(case["title"], []), *case.get("lessons", [])]
        dated = sorted(
            (lesson for lesson in told if "days_ago" in lesson), key=lambda lesson: -lesson["days_ago"]
        )
        for stage, days_ago in case["history"][1:]:
            while dated and dated[0]["days_ago"] > days_ago:
                self.write_lesson(owner, key, dated.pop(0))
            with events_dated(_at(days_ago, self.now)):
                self.enter(case, key, Stage(stage), days_ago, history)
        for lesson in [*dated, *(lesson for lesson in told if "days_ago" not in lesson)]:
            self.write_lesson(owner, key, lesson)

    def propose(self, case: dict[str, Any], owner: Actor, at: datetime) -> UseCase:
        # Owners propose; the demo's people need the contributor role to do so.
        return use_cases.propose_use_case(
            self.session,
            owner,
            at=at,
            title=case["title"],
            problem=case["problem"],
            audience=case.get("audience", "customers"),
            team=case["team"],
            business_unit=case.get("business_unit", ""),
            sector=case["sector"],
            owner_id=owner.id,
            sponsor_id=self.person_id(case.get("sponsor")),
            monitoring_owner_id=self.person_id(case.get("monitoring")),
            ai_kind=case["ai_kind"],
            customer_facing=case.get("customer_facing", False),
            decisions_about_people=case.get("decisions_about_people", False),
            personal_data=case.get("personal_data", ""),
            sensitive_data=case.get("sensitive_data", False),
            data_completeness=case["readiness"][0],
            data_accuracy=case["readiness"][1],
            data_currency=case["readiness"][2],
            measurable_goal=case.get("goal", ""),
            ai_act_tier=case.get("tier"),
            ai_act_reason=case.get("tier_reason", ""),
            ai_disclosure=case.get("disclosure", False),
            human_path=case.get("human_path", False),
            one_off_cost=COSTS.get(case["title"], (None, None))[0],
            running_cost_per_month=COSTS.get(case["title"], (None, None))[1],
        )

    def write_lesson(self, owner: Actor, key: str, lesson: dict[str, Any]) -> None:
        written = {name: value for name, value in lesson.items() if name != "days_ago"}
        if "days_ago" not in lesson:
            lessons.record_lesson(self.session, owner, key, **written)  # written now, recorded now
            return
        at = _at(lesson["days_ago"], self.now)
        with events_dated(at):
            lessons.record_lesson(self.session, owner, key, at=at, **written)

    def score(self, case: dict[str, Any], key: str, history: dict[str, int]) -> None:
        model = assessments.active_model(self.session)
        impact_keys = [c.key for c in model.criteria if c.dimension == Dimension.impact]
        risk_keys = [c.key for c in model.criteria if c.dimension == Dimension.risk]
        anchors = {c.key: (c.anchor_low, c.anchor_high) for c in model.criteria}
        proposed = history["proposed"]
        scored_by = REVIEWERS if "assessed" in history else REVIEWERS[:1]
        for number, reviewer in enumerate(scored_by):
            values = dict(zip(impact_keys, _reviewer_scores(self.rng, case["impact"], 1), strict=True))
            values |= dict(zip(risk_keys, _reviewer_scores(self.rng, case["risk"], 1), strict=True))
            if case.get("disagree") and number == 1:
                # One reviewer sees far more risk than the others: the case the app must flag.
                values |= {k: min(5, v + 2) for k, v in zip(risk_keys, case["risk"], strict=True)}
            comments = {
                k: f"Scored {v}: {anchors[k][0] if v == 1 else anchors[k][1]}"
                for k, v in values.items()
                if v in (1, 5)
            }
            when = history.get("assessed", proposed) + 3 + number * 2
            at = _at(min(when, proposed - 1) if when >= proposed else when, self.now)
            with events_dated(at):
                assessments.record_assessment(
                    self.session,
                    self.actor(reviewer),
                    key,
                    values,
                    comments=comments,
                    comment="Scored against the anchors with the owner's business case.",
                    at=at,
                )

    def enter(
        self, case: dict[str, Any], key: str, stage: Stage, days_ago: int, history: dict[str, int]
    ) -> None:
        session, when = self.session, _at(days_ago, self.now)
        if stage in lifecycle.GATE_INTO:
            gate = lifecycle.GATE_INTO[stage]
            charter = None
            if stage == Stage.pilot:
                kpis = self.define_kpis(case, key, when)
                charter = self.charter(case, when)
            manual = {i.key: True for i in gates.checklist_items(session, gate) if i.rule == checklist.MANUAL}
            unmet = [r for r in gates.preview_checklist(session, key, gate, manual) if not r.met]
            gates.record_gate_decision(
                session,
                self.actor(APPROVERS[gate]),
                key,
                gate=gate,
                outcome=GateOutcome.go,
                decided_on=when.date(),
                confirmed=manual,
                overrides={
                    r.key: f"Accepted for a limited start: {r.label.lower()} to follow before the next gate."
                    for r in unmet
                },
                charter=charter,
                rationale=self.rationale(case, gate),
            )
            if stage == Stage.pilot:
                self.log_results(case, kpis, when)
                if "extend" in case:
                    self.extend(case, key, when)
        elif stage == Stage.rejected and "reject_gate" in case:
            gates.record_gate_decision(
                session,
                self.actor(APPROVERS[Gate.pilot]),
                key,
                gate=Gate.pilot,
                outcome=GateOutcome.no_go,
                decided_on=when.date(),
                rationale=case["reject_gate"],
                reject_on_no_go=True,
            )
        elif stage == Stage.stopped:
            stop = case["stop"]
            lessons.stop_with_lesson(
                session,
                self.actor("sofia.marin"),
                key,
                at=when,
                reason=f"Stopped at the pilot review: {stop['title'].lower()}.",
                **stop,
            )
        else:
            reason = {
                Stage.rejected: case.get("reject_reason"),
                Stage.retired: case.get("retire_reason"),
            }.get(stage)
            actor = self.actor("sofia.marin") if reason else self.actor(case["owner"])
            use_cases.move_stage(session, actor, key, stage, reason=reason or "", at=when)

    def rationale(self, case: dict[str, Any], gate: Gate) -> str:
        goal = case.get("goal", "the goal")
        return {
            Gate.pilot: f"Clear business case and a measurable goal ({goal}) with baselines in place. "
            "Start small: pilot sites only, decision at the planned end date.",
            Gate.scale_up: "Pilot results meet or approach the targets with no trust or fairness concerns raised; "
            "scale to more sites while monitoring the same KPIs.",
            Gate.production: "Targets met at scale for a full quarter; monitoring owner named and run-book in place.",
        }[gate]

    def define_kpis(
        self, case: dict[str, Any], key: str, pilot_start: datetime
    ) -> list[tuple[int, dict[str, Any]]]:
        owner = self.actor(case["owner"])
        defined = []
        for spec in [*case.get("kpis", []), *VALUE_KPIS.get(case["title"], [])]:
            baseline_on = pilot_start.date()
            kpi = results.define_kpi(
                self.session,
                owner,
                key,
                name=spec["name"],
                kind=spec["kind"],
                unit=spec["unit"],
                direction=spec["direction"],
                baseline=spec["baseline"],
                baseline_on=baseline_on,
                target=spec["target"],
                target_on=baseline_on + timedelta(days=spec["target_in"]),
                method=spec["method"],
                reporter_id=owner.id,
            )
            defined.append((kpi.id, spec))
        return defined

    def log_results(
        self, case: dict[str, Any], kpis: list[tuple[int, dict[str, Any]]], pilot_start: datetime
    ) -> None:
        owner = self.actor(case["owner"])
        history = dict(case["history"])
        ended = next((history[s] for s in ("stopped", "retired") if s in history), 0)
        last_day = (self.now - timedelta(days=max(ended, 0) + 1)).date()
        for kpi_id, spec in kpis:
            target_on = pilot_start.date() + timedelta(days=spec["target_in"])
            if target_on < last_day and not spec.get("stop_after"):
                # A use case still running past its target date has, in this organisation, mostly made it.
                spec = spec | {"progress": max(spec["progress"], 1.03)}
            rows = self.series(spec, pilot_start.date(), last_day)
            # Logged week by week in the story; the one batch is dated on its latest result.
            logged = datetime.combine(rows[-1]["measured_on"], time(9), tzinfo=UTC) if rows else pilot_start
            with events_dated(max(logged, pilot_start)):
                results.log_measurements(self.session, owner, kpi_id, rows)

    def charter(self, case: dict[str, Any], start: datetime) -> dict[str, Any]:
        return {
            "hypothesis": f"If we pilot this, then: {case.get('goal') or case['problem']}",
            "scope": f"{case.get('business_unit') or case['team']}: two pilot sites, then review.",
            "start_on": start.date(),
            "planned_end_on": start.date() + timedelta(days=120),
            "decision_on": start.date() + timedelta(days=135),
            "min_evidence": "At least 8 weeks of weekly results and 1,000 customer or case interactions.",
        }

    def extend(self, case: dict[str, Any], key: str, pilot_start: datetime) -> None:
        days_ago = case["extend"]["days_ago"]
        decided_on = (self.now - timedelta(days=days_ago)).date()
        with events_dated(datetime.combine(decided_on, time(12), tzinfo=UTC)):
            self.extend_on(case, key, decided_on, days_ago)

    def extend_on(self, case: dict[str, Any], key: str, decided_on: date, days_ago: int) -> None:
        gates.extend_or_pause_pilot(
            self.session,
            self.actor(APPROVERS[Gate.pilot]),
            key,
            decision="iterate",
            decided_on=decided_on,
            reason=case["extend"]["reason"],
            new_end_on=decided_on + timedelta(days=days_ago + 30),
            new_decision_on=decided_on + timedelta(days=days_ago + 45),
        )

    def take_past_snapshots(self, quarters: int = 2) -> None:
        """The previous quarters' snapshots, taken from the history the morning after each quarter ended, so a
        new user can compare quarters at once."""
        from portfolio.quarters import quarter_of
        from portfolio.services import snapshots

        quarter = quarter_of(self.now.date())
        for _ in range(quarters):
            quarter = quarter.previous()
        for _ in range(quarters):
            taken_at = datetime.combine(quarter.last_day + timedelta(days=1), time(9), tzinfo=UTC)
            with events_dated(taken_at):
                snapshots.take_snapshot(self.session, self.actor("sofia.marin"), quarter.label, at=taken_at)
            quarter = quarter.next()

    def series(self, spec: dict[str, Any], start: date, end: date) -> list[dict[str, Any]]:
        """Weekly values moving from baseline to `progress` of the way to target, with noise."""
        days = max((end - start).days, 7)
        span = spec["target"] - spec["baseline"]
        noise = abs(span) * 0.04
        rows = []
        day = start + timedelta(days=7)
        while day <= end:
            share = (day - start).days / days
            value = spec["baseline"] + span * spec["progress"] * (share**0.7) + self.rng.gauss(0, noise)
            rows.append(
                {"measured_on": day, "value": round(_clip(spec["unit"], value), 2), "source": "Weekly report"}
            )
            day += timedelta(days=7)
        return rows[-52:]


def load_demo(session: Session, *, now: datetime | None = None, progress: Progress | None = None) -> int:
    """Write the demo portfolio into an empty database. Returns the number of use cases written."""
    existing = session.exec(select(func.count()).select_from(UseCase)).one()
    if existing:
        raise RuleViolation(
            f"The database already holds {existing} use cases; the demo is only loaded into an empty portfolio."
        )
    now = now or datetime.combine(utc_now().date(), time(9), tzinfo=UTC)
    # The organisation, its people and its rules were in place the day before the first proposal.
    first_proposal = max(dict(case["history"])["proposed"] for case in CASES)
    with events_dated(_at(first_proposal + 1, now)):
        assessments.ensure_default_scoring_model(session)
        gates.ensure_default_checklists(session)
        builder = DemoBuilder(session, now)
        builder.add_people()
    for number, case in enumerate(CASES, start=1):
        builder.add_case(case)
        if progress:
            progress(number / len(CASES), case["title"])
    builder.take_past_snapshots()
    return len(CASES)
