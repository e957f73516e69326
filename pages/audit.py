"""The audit trail: every recorded change, filtered, a page at a time, before beside after; CSV export."""

import streamlit as st
from sqlmodel import Session

from portfolio.ui import context
from portfolio.ui.format import moment, plural
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain
from portfolio.views import audit
from portfolio.views.audit_words import KINDS

require_shell()

st.title("Audit trail")
st.caption(
    "Every change recorded in the portfolio: who made it, when, and what it was before and after. The trail "
    "is append-only; not even the database lets it be altered."
)

people, use_cases = read(audit.audit_choices)
titles = dict(use_cases)
person_col, use_case_col, kind_col, since_col, until_col = st.columns([3, 3, 3, 2, 2])
chosen_people = person_col.multiselect(
    "People", list(people), format_func=people.get, key="audit_people", placeholder="Everyone"
)
chosen_use_case = use_case_col.selectbox(
    "Use case",
    [None, *titles],
    format_func=lambda key: "All use cases" if key is None else f"{key} · {titles[key]}",
    key="audit_use_case",
)
chosen_kinds = kind_col.multiselect(
    "Kind of change", list(KINDS), key="audit_kinds", placeholder="Every kind"
)
since = since_col.date_input("From", value=None, key="audit_since", format="DD/MM/YYYY")
until = until_col.date_input("To", value=None, key="audit_until", format="DD/MM/YYYY")
if since and until and since > until:
    st.error(
        "The start date is after the end date: choose a start on or before the end.", icon=":material/event:"
    )
    st.stop()

chosen = audit.AuditFilter(
    people=tuple(chosen_people),
    use_case=chosen_use_case,
    kinds=tuple(chosen_kinds),
    since=since,
    until=until,
)
if st.session_state.get("audit_filter") != chosen:  # a new filter starts at its first page
    st.session_state["audit_filter"] = chosen
    st.session_state["audit_page_number"] = 1
result = read(audit.audit_page, chosen, st.session_state.get("audit_page_number", 1))

summary, download = st.columns([4, 1], vertical_alignment="bottom")
summary.markdown(f"**{plural(result.total, 'change')}** · page {result.page} of {result.pages}")
engine = context.engine()


def export() -> bytes:
    with Session(engine) as session:
        return audit.audit_csv(session, chosen)


download.download_button(
    "Download CSV",
    data=export,
    file_name="audit-trail.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    disabled=not result.total,
    help=f"Every change matching the filters (up to {audit.EXPORT_LIMIT:,}), ready for a spreadsheet.",
)

if not result.total:
    st.info("No recorded change matches these filters.", icon=":material/search_off:")
    st.stop()

selection = st.dataframe(
    result.rows,
    hide_index=True,
    column_order=["When", "Who", "What", "Use case", "Before", "After"],
    column_config={
        "When": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm", width=118),
        "Who": st.column_config.TextColumn("Who", width=100),
        "What": st.column_config.TextColumn("What", width=105),
        "Use case": st.column_config.TextColumn("Use case", width=75),
        "Before": st.column_config.TextColumn("Before", width=195),
        "After": st.column_config.TextColumn("After", width=195),
    },
    # Sized to fit beside the sidebar at 1280 px (wider screens share out the rest); before and after wrap
    # onto three lines rather than being cut.
    row_height=74,
    height=38 + 74 * 8,
    placeholder="—",
    on_select="rerun",
    selection_mode="single-row",
    key=f"audit_rows_{result.page}",
)

previous, position, following = st.columns([1, 2, 1])
if previous.button("Newer", icon=":material/chevron_left:", disabled=result.page <= 1, key="audit_newer"):
    st.session_state["audit_page_number"] = result.page - 1
    st.rerun()
position.caption(f"Showing {len(result.rows)} of {result.total:,}, newest first.")
if following.button(
    "Older", icon=":material/chevron_right:", disabled=result.page >= result.pages, key="audit_older"
):
    st.session_state["audit_page_number"] = result.page + 1
    st.rerun()

rows = selection.selection.rows if selection else []
if rows:
    event = result.rows.iloc[rows[0]]
    st.subheader("Before and after")
    st.markdown(
        f"**{plain(event['What'])}** by {plain(event['Who'])} on {moment(event['When'])}"
        + (f" · {plain(event['Use case'])}" if event["Use case"] else "")
    )
    st.dataframe(result.comparisons[int(event["id"])], hide_index=True)
else:
    st.caption("Select a row to compare its before and after field by field.")
