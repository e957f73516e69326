"""Quarterly snapshots: take one (approvers), read and download one for the board, compare two quarters."""

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from portfolio.errors import PortfolioError
from portfolio.models import Role, SnapshotStatus, Stage, utc_now
from portfolio.quarters import quarter_of
from portfolio.reports import board, snapshot_export, snapshot_views
from portfolio.reports.board import ListWords, Rows, more_line
from portfolio.reports.compare import UNCHANGED, figures_shown
from portfolio.services import snapshots
from portfolio.ui import charts, context
from portfolio.ui.format import day, label, plural
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain

require_shell()
T = TypeVar("T")

st.title("Quarterly snapshots")
st.caption(
    "Each quarter, leadership freezes the portfolio as it stood and sends it round: a snapshot never changes, "
    "carries a checksum that every view and export verifies, and compares with the quarters before it."
)

actor = context.current_actor()


def verified_read(query: Callable[..., T], *args: Any) -> T:
    """Snapshot reads skip the revision-keyed cache: a snapshot altered in the database behind the app's back
    changes no revision, and its checksum must be checked on every view (`portfolio.reports.snapshot_views`
    remembers what it derives by the exact stored text instead)."""
    with context.reading() as session:
        return query(session, *args)


stored = verified_read(snapshot_views.snapshots_page)
listing = stored.listing
today = utc_now().date()
this_quarter = quarter_of(today)

if Role.approver in actor.roles:
    with st.expander("Take a snapshot", expanded=listing.empty, icon=":material/photo_camera:"):
        with st.form("take_snapshot", border=False):
            left, middle, right = st.columns([1, 1, 2])
            quarter = left.text_input("Quarter", value=this_quarter.label, help="Such as 2026-Q4.")
            as_of = middle.date_input(
                "As it stood on",
                value=None,
                format="DD/MM/YYYY",
                help="Empty: today for the running quarter, the last day for a quarter that has ended. "
                "A past day is rebuilt from the history.",
            )
            replace = right.checkbox(
                "Take this quarter again",
                help="Snapshots never change. Taking a quarter again records a new one; the earlier one is kept, "
                "marked superseded.",
            )
            taken = st.form_submit_button("Take snapshot", type="primary", icon=":material/photo_camera:")
        if taken:
            with st.spinner("Freezing the portfolio…"):
                snapshot = context.attempt(
                    lambda session: snapshots.take_snapshot(
                        session, actor, quarter, as_of=as_of, replace=replace
                    ),
                    success="Snapshot taken.",
                )
            if snapshot is not None:
                st.session_state["snapshot_id"] = snapshot.id
                st.rerun()

if listing.empty:
    st.info(
        "No snapshot has been taken yet. An approver takes the first one above, or on the command line with "
        "`portfolio snapshot take 2026-Q4`.",
        icon=":material/photo_camera:",
    )
    st.stop()

st.dataframe(
    listing.assign(
        status=listing["status"].map(lambda v: label(SnapshotStatus, v)),
        intact=listing["intact"].map(lambda ok: "Verified" if ok else "Fails the check"),
        checksum=listing["checksum"].str[:16] + "…",
    ),
    hide_index=True,
    column_order=["quarter", "as_of", "taken_at", "taken_by", "status", "intact", "checksum"],
    column_config={
        "quarter": "Quarter",
        "as_of": st.column_config.DateColumn("Portfolio as it stood on", format="D MMM YYYY"),
        "taken_at": st.column_config.DatetimeColumn("Taken", format="D MMM YYYY, HH:mm"),
        "taken_by": "Taken by",
        "status": "Status",
        "intact": "Checksum",
        "checksum": "SHA-256",
    },
)

choices = {
    int(row.id): f"{row.quarter} · as of {day(row.as_of)}"
    + ("" if row.status == SnapshotStatus.current else " · superseded")
    for row in listing.itertuples()
}
ids = list(choices)
if st.session_state.get("snapshot_id") not in ids:
    st.session_state["snapshot_id"] = ids[0]
chosen = st.selectbox("Snapshot", ids, format_func=choices.get, key="snapshot_id")

try:
    view = verified_read(snapshot_views.snapshot_view, chosen, stored.states)
except PortfolioError as error:
    st.error(plain(str(error)), icon=":material/gpp_bad:")
    st.stop()

report = view.report
st.subheader(f"{view.quarter}: the portfolio as it stood on {day(view.as_of)}")
if view.status != SnapshotStatus.current:
    st.warning("This snapshot was superseded: the quarter was taken again later.", icon=":material/history:")
for start in range(0, len(report.headlines), 4):
    row = st.columns(4)
    for column, headline in zip(row, report.headlines[start : start + 4], strict=False):
        column.metric(headline.label, headline.value, help=headline.note or None)
        column.caption(headline.change)

st.markdown("**Download for the board**")
formats = list(snapshot_export.FORMAT_WORDS)
fmt = st.segmented_control(
    "Format",
    formats,
    format_func=snapshot_export.FORMAT_WORDS.get,
    default="pdf",
    key=f"format_{chosen}",
    required=True,  # clicking the chosen format again would otherwise unselect it and hide the download
    label_visibility="collapsed",
)
if fmt:
    # The file is made when the button is pressed, not on every visit: a board report of ten thousand use
    # cases takes many seconds to lay out. The snapshot was verified just above, and is again when made.
    file_name, mime = snapshot_export.file_name_and_mime(view.quarter, fmt)
    st.download_button(
        f"Download: {snapshot_export.FORMAT_WORDS[fmt]}",
        snapshot_export.export_made_on_click(context.engine(), chosen, fmt),
        file_name=file_name,
        mime=mime,
        icon=":material/download:",
        key=f"download_{chosen}_{fmt}",
        on_click="ignore",
    )
st.caption(f"SHA-256 {view.checksum}, verified just now.")


def board_list(words: ListWords, rows: Rows) -> None:
    """One of the board report's lists as the report shows it: its first rows and how many more there are, or
    the report's sentence for an empty one (rather than a table without headings)."""
    if not rows.shown:
        st.caption(words.empty)
        return
    st.dataframe([dict(zip(words.headings, row, strict=True)) for row in rows.shown], hide_index=True)
    more = more_line(rows)
    if more:
        st.caption(more)


with st.expander(f"Pilots needing a decision ({report.purgatory.total:,})"):
    board_list(board.PURGATORY, report.purgatory)
with st.expander(
    f"Decisions of the quarter ({plural(report.decisions.total, 'gate decision')}, "
    f"{plural(report.reviews.total, 'pilot review')})"
):
    board_list(board.DECISIONS, report.decisions)
    board_list(board.REVIEWS, report.reviews)
with st.expander(f"Lessons of the quarter ({report.lessons.total:,})"):
    board_list(board.LESSONS, report.lessons)

st.subheader("Compare two snapshots")
if len(ids) < 2:
    st.caption("Take a second snapshot to compare quarters.")
    st.stop()
left, right = st.columns(2)
earlier = left.selectbox("Earlier", ids, index=1, format_func=choices.get, key="compare_earlier")
later = right.selectbox("Later", ids, index=0, format_func=choices.get, key="compare_later")
try:
    comparison = verified_read(snapshot_views.compare_snapshots, earlier, later, stored.states)
except PortfolioError as error:
    st.error(plain(str(error)), icon=":material/compare_arrows:")
    st.stop()

charts.draw(
    charts.snapshot_movements(
        comparison.counts, before=comparison.before_quarter, after=comparison.after_quarter
    ),
    height=260,
)
moved = comparison.movements[comparison.movements["movement"] != UNCHANGED]
st.dataframe(
    moved.assign(
        stage_before=moved["stage_before"].map(lambda v: label(Stage, v, "Not yet proposed")),
        stage_after=moved["stage_after"].map(lambda v: label(Stage, v, "Gone")),
    ),
    hide_index=True,
    column_order=[
        "key",
        "title",
        "movement",
        "stage_before",
        "stage_after",
        "impact_change",
        "risk_change",
        "value_per_month_change",
    ],
    column_config={
        "key": "Key",
        "title": "Use case",
        "movement": "Movement",
        "stage_before": comparison.before_quarter,
        "stage_after": comparison.after_quarter,
        "impact_change": st.column_config.NumberColumn("Impact change", format="%+.1f"),
        "risk_change": st.column_config.NumberColumn("Risk change", format="%+.1f"),
        "value_per_month_change": st.column_config.NumberColumn("Value per month change", format="€%+.0f"),
    },
)
st.dataframe(
    figures_shown(comparison.figures),
    hide_index=True,
    column_config={
        "figure": "Figure",
        # Text in each figure's unit ("€929,663,353", "7.4%", "−3.7 points"), right-aligned as numbers are.
        "before": st.column_config.TextColumn(comparison.before_quarter, alignment="right"),
        "after": st.column_config.TextColumn(comparison.after_quarter, alignment="right"),
        "change": st.column_config.TextColumn("Change", alignment="right"),
    },
)
