"""SQL functions that read the same on SQLite and PostgreSQL, so views aggregate in the database."""

from typing import Any

from sqlalchemy import Date, Float, String, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class month_of(FunctionElement):
    """The month of a date column as text, 'YYYY-MM'."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of, "sqlite")
def _month_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgresql(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class days_between(FunctionElement):
    """Whole days from the second date to the first (a float, so dividing two of them is exact division)."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST((CAST({later} AS DATE) - CAST({earlier} AS DATE)) AS DOUBLE PRECISION)"


class binary_order(FunctionElement):
    """A text column compared by code point, as Python sorts strings (PostgreSQL's default collation would
    sort by language rules instead), so an ORDER BY gives the order a Python sort gives."""

    type = String()
    inherit_cache = True
    name = "binary_order"


@compiles(binary_order)
def _binary_order_default(element: binary_order, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(binary_order, "postgresql")
def _binary_order_postgresql(element: binary_order, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'


class utc_day(FunctionElement):
    """The UTC calendar day of a timestamp column, as a date (SQLite keeps UTC text; PostgreSQL converts from
    its session's time zone unless told)."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC' AS DATE)"


def evenly_sampled(id_column: Any, total: int, limit: int) -> Any:
    """A condition keeping about `limit` of `total` rows, every n-th by id, or every row when they fit: a chart
    of a sample then has the shape of the whole (the highest-priority rows alone would all sit in one corner).
    Keep a LIMIT too: ids need not be spread evenly over the rows a filter picks."""
    step = max(1, -(-total // max(limit, 1)))
    return true() if step == 1 else (id_column % step == 0)
