"""The portfolio: every use case, searchable and filterable; selecting a row opens it."""

from functools import partial

import streamlit as st

from portfolio.labels import quadrant_short
from portfolio.models import AiActTier, Sector, Stage, utc_now
from portfolio.reports.portfolio_list import HEADINGS as PEOPLE_HEADINGS
from portfolio.reports.portfolio_list import portfolio_csv
from portfolio.services import pipeline, use_cases
from portfolio.ui import context
from portfolio.ui.filters import filter_bar
from portfolio.ui.format import label, measured, number, plural
from portfolio.ui.reads import read
from portfolio.ui.shell import require_shell
from portfolio.ui.text import plain
from portfolio.views import overview, portfolio_list

require_shell()

st.title("Portfolio")
st.caption(
    "Every AI use case in the organisation: where it stands, who owns it, and how it scores on impact and risk."
)

search_col, stage_col, sector_col, team_col, tier_col = st.columns([3, 2, 2, 2, 2])
search = search_col.text_input(
    "Search",
    key="q",
    bind="query-params",
    placeholder="Title, problem, key, team or owner",
    icon=":material/search:",
)
chosen = filter_bar(
    "", ["stage", "sector", "team", "tier"], [stage_col, sector_col, team_col, tier_col], bind=True
)
# An overview figure links here with `show` naming the use cases behind it.
behind = None
if shown_subset := st.query_params.get("show"):
    behind = read(
        overview.use_cases_behind,
        overview.OverviewFilter(chosen.sectors, chosen.teams, chosen.tiers),
        shown_subset,
        utc_now().date(),
    )
    note, clear = st.columns([5, 1], vertical_alignment="center")
    if behind is None:
        note.warning(
            "That list from the overview no longer exists; showing every use case instead.",
            icon=":material/link_off:",
        )
    else:
        note.info(
            f"Showing the use cases behind **{plain(behind.label)}** on the overview "
            f"({len(behind.keys)}), with the filters above.",
            icon=":material/filter_alt:",
        )
    if clear.button("Show every use case", key="show_all", icon=":material/filter_alt_off:"):
        del st.query_params["show"]
        st.rerun()
filters = use_cases.PortfolioFilter(
    search=search or "",
    stages=chosen.stages,
    sectors=chosen.sectors,
    teams=chosen.teams,
    tiers=chosen.tiers,
    keys=tuple(behind.keys) if behind is not None else None,
)
pilot_limit = read(pipeline.stage_limits)[Stage.pilot]
headline = read(portfolio_list.portfolio_headline, filters, pilot_limit)
summary, value = headline.summary, headline.value

metrics = st.columns(5)
metrics[0].metric(
    "Active use cases",
    f"{summary.active:,}",
    help="Proposed, assessed, in pilot, scaling up or in production.",
)
metrics[1].metric("In pilot", f"{summary.in_pilot:,}")
metrics[2].metric("Scaling up or live", f"{summary.scaling_or_live:,}")
metrics[3].metric(
    f"Pilots over {pilot_limit} days",
    f"{summary.stuck_pilots:,}",
    help=f"Pilots in their stage for more than {pilot_limit} days without a decision to scale or stop: "
    "candidates for 'pilot purgatory'.",
)
metrics[4].metric("Closed", f"{summary.closed:,}", help="Retired, rejected or stopped.")
if summary.without_owner:
    st.warning(
        f"{plural(summary.without_owner, 'active use case')} without an accountable owner: a governance gap to "
        "close. "
        "The Gaps column shows what each use case still lacks.",
        icon=":material/person_off:",
    )

measured_words = (
    f" Value measured for {value.measured} of the {plural(value.active, 'active use case')} listed; the "
    "others are not measured and are left out rather than counted as €0."
)
money = st.columns(3)
money[0].metric(
    "Value delivered per year",
    measured(value.value_per_year),
    help="Active use cases: business KPIs kept in EUR or hours per month (latest values), times twelve."
    + measured_words,
)
money[1].metric("Running cost per year", number(value.running_cost_per_year, "EUR"))
money[2].metric(
    "Net value, first year",
    measured(value.net_first_year),
    help="Per use case whose value is measured: 12 × (value − running cost) − one-off cost; added up."
    + measured_words,
)

if not headline.matching:
    st.info(
        "No use case matches these filters. Clear the search or a filter to see more.",
        icon=":material/filter_alt_off:",
    )
    st.stop()

# The table's controls keep their choices while a search with no hits hides them (st.stop above): without
# persist_state the browser would draw them afresh at their defaults, and its next rerun would send those.
# Each view shows a handful of columns that fit beside the sidebar at 1280 px; key and title stay pinned.
VIEWS = {
    "Where it stands": ["stage", "days_in_stage", "owner", "quadrant"],
    "Scores and risk": ["impact", "risk", "quadrant", "ai_act_tier", "reviewers"],
    "Gaps to close": ["owner", "gaps"],
    "Team and sector": ["team", "sector", "stage"],
}
# The file's headings, shorter where a narrow column needs it.
HEADINGS = PEOPLE_HEADINGS | {"impact": "Impact", "risk": "Risk"}
DIRECTIONS = {"Ascending": False, "Descending": True}
SORT_KEY, DIRECTION_KEY, HEADER_CLICKS = (
    "portfolio_sort",
    "portfolio_sort_direction",
    "portfolio_header_clicks",
)
# The page shown is kept apart from the Page box, which shows it and is drawn only when there is more than one.
PAGE_KEY, PAGE_BOX_KEY = "portfolio_page_number", "portfolio_page_box"


def sort_by_heading(table_key: str) -> None:
    """A click on a column's heading sorts every matching use case by it (a second click, the other way). The
    table allows column selection for this alone: it also turns off the browser's sorting of the page shown,
    which sorted only those 100 rows."""
    selected = st.session_state[table_key].selection.columns
    if not selected:
        return
    if selected[0] in portfolio_list.SORTABLE:
        again = st.session_state[SORT_KEY] == selected[0] and st.session_state[DIRECTION_KEY] == "Ascending"
        st.session_state[SORT_KEY] = selected[0]
        st.session_state[DIRECTION_KEY] = "Descending" if again else "Ascending"
    st.session_state[HEADER_CLICKS] = st.session_state.get(HEADER_CLICKS, 0) + 1  # a new table: unselected


table_controls = st.container(horizontal=True, vertical_alignment="bottom")
view = table_controls.segmented_control(
    "Columns",
    list(VIEWS),
    default="Where it stands",
    key="portfolio_columns",
    required=True,
    persist_state="page",
)
sort_by = table_controls.selectbox(
    "Sort by",
    portfolio_list.SORTABLE,
    format_func=HEADINGS.get,
    key=SORT_KEY,
    persist_state="page",
    width=190,
    help="Sorts every matching use case, then shows them 100 at a time. Clicking a column's heading does the "
    "same; clicking it again reverses the order.",
)
st.session_state.setdefault(DIRECTION_KEY, "Ascending")  # set here, not as a default: a heading click sets it
direction = table_controls.segmented_control(
    "Order",
    list(DIRECTIONS),
    format_func={"Ascending": ":material/arrow_upward:", "Descending": ":material/arrow_downward:"}.get,
    key=DIRECTION_KEY,
    persist_state="page",
    required=True,
    help="Ascending: lowest, fewest, earliest or A first. Descending: highest, most, latest or Z first. Use "
    "cases without the value (not scored, no owner) come last either way.",
)
order = portfolio_list.PortfolioOrder(sort_by, DIRECTIONS[direction or "Ascending"])

# A page of rows at a time: nobody reads 10,000 rows, and sending them all to the browser costs every rerun.
if st.session_state.get("portfolio_listing") != (filters, order):  # a new search, filter or sort: page one
    st.session_state["portfolio_listing"] = (filters, order)
    st.session_state[PAGE_KEY] = 1
page_number = st.session_state[PAGE_KEY]
result = read(portfolio_list.portfolio_rows, filters, page_number, portfolio_list.PAGE_SIZE, order)
table = result.rows
shown = table.assign(
    stage=table["stage"].map(lambda v: Stage(v).label),
    sector=table["sector"].map(lambda v: label(Sector, v)),
    ai_act_tier=table["ai_act_tier"].map(lambda v: label(AiActTier, v, "Not classified")),
    quadrant=table["quadrant"].map(lambda v: quadrant_short(v, "Not scored")),
    owner=table["owner"].fillna("None named"),
)
# The sorted column's heading says so, as the browser's own sorting would.
headings = HEADINGS | {order.column: HEADINGS[order.column] + (" ↓" if order.descending else " ↑")}
# A sort by a column the view leaves out shows that column too, after key and title: else the order looks random.
view_columns = VIEWS[view or "Where it stands"]
sorted_column = [] if order.column in ("key", "title", *view_columns) else [order.column]
table_key = f"portfolio_table_{result.page}_{st.session_state.get(HEADER_CLICKS, 0)}"
selection = st.dataframe(
    shown,
    key=table_key,
    on_select=partial(sort_by_heading, table_key),
    selection_mode=["single-row", "single-column"],
    hide_index=True,
    row_height=66,  # above 64 px Streamlit wraps text: long titles take a second line rather than being cut
    height=min(38 + 66 * len(shown), 700),
    column_order=["key", "title", *sorted_column, *view_columns],
    column_config={
        "key": st.column_config.TextColumn(headings["key"], width=72, pinned=True),
        "title": st.column_config.TextColumn(headings["title"], width=240),
        "stage": st.column_config.TextColumn(headings["stage"], width=90),
        "days_in_stage": st.column_config.NumberColumn(
            headings["days_in_stage"], format="%d", width=95, help="Days since it entered its current stage."
        ),
        "owner": st.column_config.TextColumn(headings["owner"], width=140),
        "team": st.column_config.TextColumn(headings["team"], width=170),
        "sector": st.column_config.TextColumn(headings["sector"], width=110),
        "impact": st.column_config.ProgressColumn(
            headings["impact"],
            width=85,
            min_value=0,
            max_value=100,
            format="%.0f",
            help="Mean composite impact of the reviewers' latest scores (0–100).",
        ),
        "risk": st.column_config.ProgressColumn(
            headings["risk"],
            width=85,
            min_value=0,
            max_value=100,
            format="%.0f",
            color="red",
            help="Mean composite risk of the reviewers' latest scores (0–100).",
        ),
        "quadrant": st.column_config.TextColumn(headings["quadrant"], width=120),
        "ai_act_tier": st.column_config.TextColumn(headings["ai_act_tier"], width=125),
        "reviewers": st.column_config.NumberColumn(headings["reviewers"], format="%d", width=80),
        "gaps": st.column_config.TextColumn(
            headings["gaps"],
            width="large",
            help="What the use case still lacks: an owner, a tier, scores, KPIs, a description or a team.",
        ),
    },
)


def go_to(page: int) -> None:
    st.session_state[PAGE_KEY] = page


def go_to_typed_page() -> None:
    st.session_state[PAGE_KEY] = st.session_state[PAGE_BOX_KEY]


if result.pages > 1:
    st.session_state[PAGE_BOX_KEY] = result.page  # after Previous, Next or a new search: the page shown
    pager = st.container(horizontal=True, vertical_alignment="bottom")
    pager.button(
        "Previous",
        key="portfolio_previous",
        icon=":material/chevron_left:",
        disabled=result.page <= 1,
        on_click=go_to,
        args=(result.page - 1,),
    )
    pager.button(
        "Next",
        key="portfolio_next",
        icon=":material/chevron_right:",
        icon_position="right",
        disabled=result.page >= result.pages,
        on_click=go_to,
        args=(result.page + 1,),
    )
    pager.number_input(
        f"Page (of {result.pages:,})",
        min_value=1,
        max_value=result.pages,
        step=1,
        key=PAGE_BOX_KEY,
        on_change=go_to_typed_page,
        width=130,
        help="Type a page number and press Enter to go straight to it.",
    )
    pager.caption(
        f"{plural(result.matching, 'use case')}: {result.first:,}–{result.first + len(table) - 1:,} shown "
        f"(page {result.page} of {result.pages}). Select a row to open it."
    )
else:
    st.caption(f"{plural(result.matching, 'use case')}. Select a row to open it.")
# A file of more than one page is made when someone clicks (on its own thread), not on every rerun of the page.
st.download_button(
    "Download as CSV",
    portfolio_csv(table)
    if result.pages == 1
    else portfolio_list.csv_made_on_click(context.engine(), filters, order),
    file_name="portfolio.csv",
    mime="text/csv",
    icon=":material/download:",
)

rows = selection.selection.rows if selection else []
if rows:
    st.switch_page("pages/use_case.py", query_params={"uc": table.iloc[rows[0]]["key"]})
