"""The filter bar the overview pages share: sector, team, stage, EU AI Act tier, quadrant."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from portfolio.models import AiActTier, Sector, Stage
from portfolio.scoring import Quadrant
from portfolio.services import use_cases
from portfolio.ui.format import label
from portfolio.ui.reads import read


@dataclass(frozen=True)
class Chosen:
    stages: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    quadrants: tuple[str, ...] = ()


# name: (label, options from the portfolio's filter choices, how an option reads, placeholder)
FILTERS: dict[str, tuple[str, Callable[[dict[str, list[str]]], list[str]], Callable[[str], str], str]] = {
    "stage": ("Stage", lambda c: [s.value for s in Stage], lambda v: Stage(v).label, "All stages"),
    "sector": ("Sector", lambda c: c["sectors"], lambda v: label(Sector, v), "All sectors"),
    "team": ("Team", lambda c: c["teams"], str, "All teams"),
    "tier": (
        "EU AI Act tier",
        lambda c: [t.value for t in AiActTier],
        lambda v: AiActTier(v).label,
        "All tiers",
    ),
    "quadrant": (
        "Quadrant",
        lambda c: [q.value for q in Quadrant],
        lambda v: Quadrant(v).label,
        "All quadrants",
    ),
}


def filter_bar(
    prefix: str, names: Sequence[str], columns: Sequence[Any] | None = None, *, bind: bool = False
) -> Chosen:
    """One multiselect per name, keyed `prefix + name`, in the given columns (or a new row of them). With
    `bind`, the choices are kept in the address (`?sector=Retail&stage=Pilot`), so a filtered page can be
    shared and other pages can link to it filtered (see `as_query_params`)."""
    choices = read(use_cases.filter_choices)
    columns = columns or st.columns(len(names))
    picked: dict[str, tuple[str, ...]] = {}
    for column, name in zip(columns, names, strict=True):
        text, options, shown, placeholder = FILTERS[name]
        picked[f"{name}s"] = tuple(
            column.multiselect(
                text,
                options(choices),
                key=f"{prefix}{name}",
                format_func=shown,
                placeholder=placeholder,
                bind="query-params" if bind else None,
            )
        )
    return Chosen(**picked)


def as_query_params(prefix: str = "", **chosen: Sequence[str]) -> dict[str, list[str]]:
    """Filter values (by filter name: stage, sector, team, tier, quadrant) as the query parameters a page's
    bound filter bar reads: the words shown in the filter, repeated for several values."""
    return {
        f"{prefix}{name}": [FILTERS[name][2](value) for value in values]
        for name, values in chosen.items()
        if values
    }
