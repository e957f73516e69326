"""Finding one use case among thousands: a search over key and title that returns a short list to pick
from, so no page sends every use case of a large portfolio to the browser as a menu."""

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from portfolio.models import UseCase

PICKER_LIMIT = 50  # a person picks from a short list and narrows it by typing


@dataclass(frozen=True)
class Picker:
    options: list[tuple[str, str]]  # (key, title), by key; the chosen use case is always among them
    chosen: str | None  # the requested key when it exists, else the first match (None: nothing at all)
    matches: int  # how many use cases match the search
    only_match: str | None = None  # the key of the one use case a search matches, when it matches one


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def pick_use_case(
    session: Session, search: str = "", requested: str | None = None, stages: tuple[str, ...] = ()
) -> Picker:
    """The use cases (in `stages`, when given) whose key or title contains `search` (any case; empty: all), the
    first PICKER_LIMIT by key, with the `requested` use case (a link's ?uc=) kept among them."""
    in_stages = [col(UseCase.stage).in_(stages)] if stages else []
    query = select(UseCase.key, UseCase.title).where(*in_stages)
    if words := search.strip():
        pattern = f"%{_escaped(words.lower())}%"
        query = query.where(
            or_(
                func.lower(UseCase.key).like(pattern, escape="\\"),
                func.lower(UseCase.title).like(pattern, escape="\\"),
            )
        )
    matches = session.exec(select(func.count()).select_from(query.subquery())).one()
    options = [tuple(row) for row in session.exec(query.order_by(UseCase.key).limit(PICKER_LIMIT)).all()]
    only_match = options[0][0] if search.strip() and matches == 1 else None
    chosen = None
    if requested:
        found = session.exec(
            select(UseCase.key, UseCase.title).where(UseCase.key == requested, *in_stages)
        ).first()
        if found is not None:
            chosen = found[0]
            if tuple(found) not in options:
                options = sorted([*options, tuple(found)])
    if chosen is None and options:
        chosen = options[0][0]
    if chosen is None:  # nothing matches the search: fall back on the first use case of all
        first = session.exec(
            select(UseCase.key, UseCase.title).where(*in_stages).order_by(UseCase.key).limit(1)
        ).first()
        if first is not None:
            chosen, options = first[0], [tuple(first)]
    return Picker(options, chosen, matches, only_match)
