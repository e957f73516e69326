"""The first few of a longer list, the most important first, and how many there are in all: what a page or the
board report shows where nobody reads every row (the whole list is a click or the Excel export away)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Shortlist(Generic[T]):
    shown: list[T]
    total: int

    @property
    def more(self) -> int:
        """How many are left out."""
        return self.total - len(self.shown)


def first(items: Iterable[T], limit: int) -> Shortlist[T]:
    """The first `limit` of items already in order of importance, and their count."""
    everything = list(items)
    return Shortlist(everything[:limit], len(everything))
