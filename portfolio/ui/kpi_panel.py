"""A use case's KPIs on its page: adding one, each active KPI as a card that contributors can edit or retire,
and the retired ones kept in a folded section with their history."""

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from portfolio import kpi_catalogue
from portfolio.kpis import UNITS
from portfolio.labels import amount, kpi_caption, kpi_choice, unit_name
from portfolio.models import Direction, KpiKind, KpiStatus, Role
from portfolio.services import kpi_edits, results
from portfolio.services.audit import Actor
from portfolio.ui import charts, context
from portfolio.ui.format import STATUS_COLOURS, STATUS_ICONS, day
from portfolio.ui.problems import FieldProblems
from portfolio.ui.reads import read
from portfolio.ui.text import plain

KINDS = [k.value for k in KpiKind]
DIRECTIONS = [d.value for d in Direction]


def _optional(value: Any) -> Any:
    """A kept value as a widget takes it: None for nothing (never NaN), dates as dates."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def add_kpi_form(key: str, sector: str, actor: Actor) -> None:
    """A new KPI, blank or from the sector's templates. A KPI added starts a fresh, empty form (keyed by how
    many were added), so it is not added twice."""
    added = st.session_state.get(f"kpis_added_{key}", 0)
    templates = kpi_catalogue.templates_for(sector)
    template = st.selectbox(
        "Start from",
        [None, *templates],
        key=f"template_{key}_{added}",
        format_func=lambda t: "A blank KPI" if t is None else kpi_choice(t.name, t.unit),
    )
    with st.form(f"kpi_{key}_{added}_{template.name if template else 'blank'}"):
        cols = st.columns(3)
        units = list(UNITS)
        new = {
            "name": cols[0].text_input("KPI name *", template.name if template else ""),
            "kind": cols[1].selectbox(
                "Kind",
                KINDS,
                index=KINDS.index(template.kind) if template else 0,
                format_func=lambda v: KpiKind(v).label,
            ),
            "unit": cols[2].selectbox(
                "Unit", units, index=units.index(template.unit) if template else 0, format_func=unit_name
            ),
            "direction": cols[0].selectbox(
                "Better when",
                DIRECTIONS,
                index=DIRECTIONS.index(template.direction) if template else 0,
                format_func=lambda v: Direction(v).label,
            ),
            "baseline": cols[1].number_input("Baseline", value=None, step=0.1),
            "baseline_on": cols[2].date_input("Baseline date", value=None),
            "target": cols[1].number_input("Target", value=None, step=0.1),
            "target_on": cols[2].date_input("Target date", value=None),
            "method": st.text_area("How it is measured", template.method if template else ""),
        }
        if st.form_submit_button("Add KPI", type="primary") and context.attempt(
            lambda session: results.define_kpi(session, actor, key, reporter_id=actor.id, **new),
            success="KPI added.",
        ):
            st.session_state[f"kpis_added_{key}"] = added + 1
            st.rerun()


def _edit_form(kpi: dict[str, Any], actor: Actor) -> None:
    """The KPI's definition, keyed by its id and version; every problem shown at its field at once."""
    tag = f"{kpi['id']}_{kpi['version']}"
    form = FieldProblems(f"kpi_edit_{tag}")
    widget = {name: f"kpi_edit_{name}_{tag}" for name in kpi_edits.EDITABLE}
    units = list(UNITS) if kpi["unit"] in UNITS else [kpi["unit"], *UNITS]
    with st.form(f"kpi_edit_{tag}"):
        name = st.text_input("KPI name *", kpi["name"], max_chars=200, key=widget["name"])
        form.show("name")
        cols = st.columns(3)
        with cols[0]:
            kind = st.selectbox(
                "Kind",
                KINDS,
                index=KINDS.index(kpi["kind"]) if kpi["kind"] in KINDS else 0,
                format_func=lambda v: KpiKind(v).label,
                key=widget["kind"],
            )
            form.show("kind")
        with cols[1]:
            unit = st.selectbox(
                "Unit", units, index=units.index(kpi["unit"]), format_func=unit_name, key=widget["unit"]
            )
            form.show("unit")
        with cols[2]:
            direction = st.selectbox(
                "Better when",
                DIRECTIONS,
                index=DIRECTIONS.index(kpi["direction"]) if kpi["direction"] in DIRECTIONS else 0,
                format_func=lambda v: Direction(v).label,
                key=widget["direction"],
            )
            form.show("direction")
        cols = st.columns(2)
        with cols[0]:
            baseline = st.number_input(
                "Baseline", value=_optional(kpi["baseline"]), step=0.1, key=widget["baseline"]
            )
            form.show("baseline")
            baseline_on = st.date_input(
                "Baseline date", value=_optional(kpi["baseline_on"]), key=widget["baseline_on"]
            )
            form.show("baseline_on")
        with cols[1]:
            target = st.number_input("Target", value=_optional(kpi["target"]), step=0.1, key=widget["target"])
            form.show("target")
            target_on = st.date_input(
                "Target date", value=_optional(kpi["target_on"]), key=widget["target_on"]
            )
            form.show("target_on")
        method = st.text_area("How it is measured", kpi["method"] or "", max_chars=5000, key=widget["method"])
        form.show("method")
        form.summary(shown=set(widget) - {"reporter_id"})
        if st.form_submit_button("Save KPI", type="primary"):
            changes = {
                "name": name,
                "kind": kind,
                "unit": unit,
                "direction": direction,
                "baseline": baseline,
                "baseline_on": baseline_on,
                "target": target,
                "target_on": target_on,
                "method": method,
            }
            saved, problems = context.attempt_form(
                lambda session: kpi_edits.edit_kpi(
                    session, actor, kpi["id"], expected_version=kpi["version"], **changes
                ),
                success=f"{plain(kpi['name'])} saved.",
            )
            if saved:
                form.clear()
                st.rerun()
            elif problems:
                form.remember(problems, widget)
                st.rerun()


def _retire_form(kpi: dict[str, Any], actor: Actor) -> None:
    tag = f"{kpi['id']}_{kpi['version']}"
    form = FieldProblems(f"kpi_retire_{tag}")
    widget = {"reason": f"kpi_retire_reason_{tag}"}
    with st.form(f"kpi_retire_{tag}"):
        st.caption(
            "A retired KPI keeps its results and stays in this use case's history, but takes no new results "
            "and no longer counts in statuses, checklists, value or snapshots."
        )
        reason = st.text_area("Why is it retired? *", max_chars=5000, key=widget["reason"])
        form.show("reason")
        form.summary(shown=set(widget))
        if st.form_submit_button("Retire KPI"):
            retired, problems = context.attempt_form(
                lambda session: kpi_edits.retire_kpi(
                    session, actor, kpi["id"], expected_version=kpi["version"], reason=reason
                ),
                success=f"{plain(kpi['name'])} retired.",
            )
            if retired:
                form.clear()
                st.rerun()
            elif problems:
                form.remember(problems, widget)
                st.rerun()


def _figures(kpi: dict[str, Any]) -> None:
    """Baseline, latest and target as bare numbers (the unit is in the caption above), so each tile fits its
    value at 1280 px rather than ending in "0 h/…"."""
    numbers = st.columns(3)
    numbers[0].metric("Baseline", amount(kpi["baseline"]), width="content")
    numbers[1].metric(
        "Latest",
        amount(kpi["latest_value"]),
        help=f"Measured {day(kpi['latest_on'])}" if _optional(kpi["latest_on"]) else None,
        width="content",
    )
    numbers[2].metric(
        "Target",
        amount(kpi["target"]),
        help=f"By {day(kpi['target_on'])}" if _optional(kpi["target_on"]) else None,
        width="content",
    )


def _trend(kpi: dict[str, Any], history: pd.DataFrame) -> None:
    points = history[history["kpi_id"] == kpi["id"]]
    if points.empty:
        st.caption("No measurements yet.")
        return
    charts.draw(
        charts.kpi_trend(
            points,
            name=kpi["name"],
            unit=kpi["unit"],
            baseline=_optional(kpi["baseline"]),
            target=_optional(kpi["target"]),
        ),
        height=260,
    )


def _card(kpi: dict[str, Any], history: pd.DataFrame, actor: Actor | None) -> None:
    status = KpiStatus(kpi["status"])
    with st.container(border=True, key=f"kpi_card_{kpi['id']}"):
        head, chart = st.columns([1, 1], gap="large")
        with head:
            st.markdown(f"**{plain(kpi['name'])}**")
            st.badge(status.label, color=STATUS_COLOURS[status], icon=STATUS_ICONS[status])
            st.caption(kpi_caption(kpi["kind"], kpi["direction"], kpi.get("unit")))
            _figures(kpi)
            st.caption(
                f"How it is measured: {plain(kpi['method'] or '—')} "
                f"Reported by {plain(kpi['reporter'] or '—')}."
            )
        with chart:
            _trend(kpi, history)
        if actor is not None:
            with st.expander("Edit or retire this KPI", icon=":material/edit:"):
                edit, retire = st.columns([3, 2], gap="large")
                with edit:
                    _edit_form(kpi, actor)
                with retire:
                    _retire_form(kpi, actor)


def _retired_card(kpi: dict[str, Any], history: pd.DataFrame) -> None:
    with st.container(border=True, key=f"retired_kpi_card_{kpi['id']}"):
        head, chart = st.columns([1, 1], gap="large")
        with head:
            st.markdown(f"**{plain(kpi['name'])}**")
            st.badge("Retired", color="gray", icon=":material/archive:")
            st.caption(
                f"Retired {day(kpi['retired_on'])}: {plain(kpi['retired_reason'] or '—')}  \n"
                + kpi_caption(kpi["kind"], kpi["direction"], kpi.get("unit"))
            )
            _figures(kpi)
        with chart:
            _trend(kpi, history)


def kpi_cards(key: str, kpis: pd.DataFrame) -> None:
    """Each active KPI as a card (with Edit and Retire for contributors), then the retired ones, folded."""
    if kpis.empty:
        active, retired = kpis, kpis
    else:
        is_retired = kpis["retired_on"].notna()
        active, retired = kpis[~is_retired], kpis[is_retired]
    if active.empty:
        st.info(
            "No active KPIs. A pilot needs at least one KPI with a baseline and a target.",
            icon=":material/monitoring:",
        )
    if kpis.empty:
        return
    actor = context.current_actor()
    editor = actor if Role.contributor in actor.roles else None
    history = read(results.measurements_for_use_case, key)
    for kpi in active.to_dict("records"):
        _card(kpi, history, editor)
    if not retired.empty:
        with st.expander(f"Retired KPIs ({len(retired)})", icon=":material/archive:"):
            for kpi in retired.to_dict("records"):
                _retired_card(kpi, history)
