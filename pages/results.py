"""Log KPI results: one at a time, many at once in a table, or from a CSV file; and correct a result."""

import pandas as pd
import streamlit as st

from portfolio.errors import InvalidInput
from portfolio.labels import kpi_choice
from portfolio.models import KpiStatus
from portfolio.services import results, use_cases
from portfolio.ui import context
from portfolio.ui.editing import close_edit, editor_rows, open_edit_version, out_of_date_notice
from portfolio.ui.format import STATUS_COLOURS, day, number, plural
from portfolio.ui.picker import find_use_case
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()

st.title("Log results")
st.caption(
    "Record KPI measurements for a use case. Bulk entries are checked row by row; nothing is stored until "
    "you confirm the rows that passed."
)
actor = context.current_actor()

chosen = find_use_case("results_uc")
if chosen is None:
    st.info("The portfolio is empty. Propose a use case to get started.", icon=":material/inbox:")
    st.stop()
kpis = read(results.kpi_choices, chosen)
if not kpis:
    st.info(
        "This use case has no KPIs yet. Add one on the use case's page, under KPIs and results.",
        icon=":material/monitoring:",
    )
    st.page_link("pages/use_case.py", label="Open the use case", query_params={"uc": chosen})
    st.stop()
names = {kpi_id: kpi_choice(name, unit) for kpi_id, name, unit in kpis}
kpi_id = st.selectbox("KPI", list(names), format_func=names.get, key=f"results_kpi_{chosen}")
current = read(use_cases.use_case_detail, chosen).kpis.set_index("id").loc[kpi_id]
status = KpiStatus(current["status"])
st.markdown(
    f"Status: :{STATUS_COLOURS[status]}[**{status.label}**] · latest {number(current['latest_value'], current['unit'])}"
    + (f" on {day(current['latest_on'])}" if current["latest_on"] else "")
    + f" · baseline {number(current['baseline'], current['unit'])} · target {number(current['target'], current['unit'])}"
    + (f" by {day(current['target_on'])}" if current["target_on"] else "")
)


# Counts the results stored through the One result form: each count draws a fresh, empty form. A refused save
# (a result already kept for that date, a value outside the unit) keeps what was typed, to fix and log again.
ONE_FORM_ROUND = f"results_one_round_{kpi_id}"


def store(rows: list[dict], what: str, *, from_one_form: bool = False) -> None:
    saved = context.attempt(lambda session: results.log_measurements(session, actor, kpi_id, rows))
    if saved is not None:
        st.session_state.pop("bulk_preview", None)
        if from_one_form:
            st.session_state[ONE_FORM_ROUND] = st.session_state.get(ONE_FORM_ROUND, 0) + 1
        st.session_state["results_stored"] = f"{what} stored for {plain(names[kpi_id])}."
        st.rerun()


if stored := st.session_state.pop("results_stored", None):
    st.success(stored, icon=":material/check_circle:")


# Keyed, so the open tab stays open when a message above it comes or goes (an upload after a logged result).
one, many, upload, correct = st.tabs(
    ["One result", "Many at once", "Upload a CSV", "Correct a result"], key="results_tabs"
)
one_round = st.session_state.get(ONE_FORM_ROUND, 0)
with one, st.form(f"one_{kpi_id}_{one_round}"):
    cols = st.columns([1, 1, 2, 1])
    measured_on = cols[0].date_input(
        "Date", max_value=pd.Timestamp.today().date(), key=f"one_date_{kpi_id}_{one_round}"
    )
    value = cols[1].number_input(
        "Value", value=None, step=0.1, key=f"one_value_{kpi_id}_{one_round}", placeholder="e.g. 8.2"
    )
    note = cols[2].text_input("Note", key=f"one_note_{kpi_id}_{one_round}", max_chars=5000)
    source = cols[3].text_input("Source", key=f"one_source_{kpi_id}_{one_round}", max_chars=200)
    if st.form_submit_button("Log result", type="primary"):
        store(
            [{"measured_on": measured_on, "value": value, "note": note, "source": source}],
            "The result is",
            from_one_form=True,
        )


def preview(rows: list[dict]) -> None:
    with context.reading() as session:
        good, refused = results.preview_measurements(session, kpi_id, rows)
    st.session_state["bulk_preview"] = {"kpi_id": kpi_id, "good": good, "refused": refused}


def show_preview() -> None:
    pending = st.session_state.get("bulk_preview")
    if not pending or pending["kpi_id"] != kpi_id:
        return
    good, refused = pending["good"], pending["refused"]
    if refused:
        st.error(
            f"{plural(len(refused), 'row')} refused; fix them and check again, or store only the good rows:\n\n"
            + "\n".join(f"- Row {n}: {plain(why)}" for n, why in refused.items()),
            icon=":material/rule:",
        )
    if good:
        st.success(f"{plural(len(good), 'row')} ready to store.", icon=":material/fact_check:")
        st.dataframe(
            pd.DataFrame(good, columns=["measured_on", "value", "note", "source"]),
            hide_index=True,
            placeholder="—",
            column_config={
                "measured_on": st.column_config.DateColumn("Date", format="D MMM YYYY"),
                "value": st.column_config.NumberColumn("Value"),
                "note": st.column_config.TextColumn("Note", width="large"),
                "source": st.column_config.TextColumn("Source"),
            },
        )
        if st.button(f"Store {plural(len(good), 'good row')}", type="primary", key="store_bulk"):
            store(good, "1 result is" if len(good) == 1 else f"{len(good):,} results are")
    elif not refused:
        st.info("There were no rows to check.")


with many:
    st.caption("Type or paste rows: date (YYYY-MM-DD), value, and optionally a note and the source.")
    edited = st.data_editor(
        pd.DataFrame(
            {
                "measured_on": pd.Series(dtype="datetime64[ns]"),
                "value": pd.Series(dtype="float"),
                "note": pd.Series(dtype="str"),
                "source": pd.Series(dtype="str"),
            }
        ),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"many_{kpi_id}",
        column_config={
            "measured_on": st.column_config.DateColumn("Date"),
            "value": "Value",
            "note": "Note",
            "source": "Source",
        },
    )
    if st.button("Check rows", key="check_many"):
        preview(editor_rows(edited))

with upload:
    st.caption(
        "A CSV with a header row: date and value, and optionally note and source. UTF-8 or Windows-1252."
    )
    file = st.file_uploader("CSV file", type=["csv"], key=f"csv_{kpi_id}")
    if file is not None and st.button("Check the file", key="check_csv"):
        try:
            preview(results.parse_measurement_csv(file.getvalue()))
        except InvalidInput as error:
            st.error(plain(" ".join(error.problems.values())), icon=":material/rule:")

show_preview()

with correct:
    recent = read(results.recent_measurements, kpi_id)
    if recent.empty:
        st.caption("No results logged yet.")
    else:
        found = {row["id"]: row for row in recent.to_dict("records")}
        picked_id = st.selectbox(
            "Result",
            list(found),
            key=f"pick_{kpi_id}",
            format_func=lambda i: f"{day(found[i]['measured_on'])}: {found[i]['value']:g}",
        )
        picked = found[picked_id]
        # Keyed by the result and the version the form was opened on: another result, or this one once saved,
        # starts from its stored values; a correction someone else saves meanwhile does not wipe what was typed.
        prefix = f"correct_{picked_id}_v"
        base = open_edit_version(prefix, picked["version"])
        out_of_date_notice(prefix, base, picked["version"], "Someone corrected this result")
        with st.form(f"correct_{picked_id}_{base}"):
            new_value = st.number_input(
                "Correct value", value=float(picked["value"]), step=0.1, key=f"{prefix}{base}_value"
            )
            new_note = st.text_input("Note", picked["note"] or "", key=f"{prefix}{base}_note")
            reason = st.text_input(
                "Why the correction *",
                placeholder="e.g. The survey tool double-counted week 12",
                key=f"{prefix}{base}_reason",
            )
            if st.form_submit_button("Save correction", type="primary"):
                done = context.attempt(
                    lambda session: results.correct_measurement(
                        session,
                        actor,
                        picked_id,
                        expected_version=base,
                        value=new_value,
                        note=new_note,
                        reason=reason,
                    ),
                    success="Correction saved; the original stays in the audit trail.",
                )
                if done:
                    close_edit(prefix)
                    st.rerun()
