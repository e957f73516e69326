"""Links from the overview to the use cases behind a figure: the Portfolio page filtered by a drill, or one
use case's page."""

import streamlit as st

from portfolio.ui.filters import as_query_params
from portfolio.ui.format import plural
from portfolio.ui.text import plain
from portfolio.views.overview_model import Drill, OverviewFilter

PORTFOLIO = "pages/portfolio.py"
USE_CASE = "pages/use_case.py"
LIST_LIMIT = 8  # rows an overview list shows before pointing to the rest


# --- links --------------------------------------------------------------------------------------------------


def drill_params(drill: Drill, filters: OverviewFilter) -> dict[str, list[str]]:
    """The Portfolio page's address for a drill: its filters in the words the filters show, the overview's
    own filters kept unless the drill narrows the same one, and the subset named by `show`."""
    params = as_query_params(
        stage=drill.stages,
        sector=drill.sectors or filters.sectors,
        team=drill.teams or filters.teams,
        tier=drill.tiers or filters.tiers,
    )
    if drill.subset:
        params["show"] = [drill.subset]
    return params


def go_to_portfolio(drill: Drill, filters: OverviewFilter) -> None:
    st.switch_page(PORTFOLIO, query_params=drill_params(drill, filters))


def link_to_use_cases(
    text: str, drill: Drill, filters: OverviewFilter, icon: str = ":material/list:"
) -> None:
    st.page_link(PORTFOLIO, label=text, icon=icon, query_params=drill_params(drill, filters))


def link_to_use_case(key: str, title: str, extra: str = "") -> None:
    st.page_link(
        USE_CASE,
        label=f"{key} · {plain(title)}" + (f" · {extra}" if extra else ""),
        query_params={"uc": key},
        icon=":material/open_in_new:",
    )


def use_cases_word(count: int) -> str:
    """ "1 use case", "7,985 use cases"."""
    return plural(count, "use case")
