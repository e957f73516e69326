"""SQL functions that read the same on SQLite and PostgreSQL, so views aggregate in the database."""

from typing import Any

from sqlalchemy import String
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
