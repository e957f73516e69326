"""The scale generator's working state and bulk writes: the next id of each table, the random source, what
has been written, and inserts in chunks (straight to the driver for the millions of measurements)."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlmodel import Session, SQLModel

Progress = Callable[[float, str], None]
Rows = dict[str, list[dict[str, Any]]]

CHUNK = 50_000
# Tables whose ids the generator assigns itself, so rows can refer to each other before they are written.
NUMBERED_TABLES = (
    "person",
    "use_case",
    "assessment",
    "gate_decision",
    "stage_change",
    "pilot_charter",
    "kpi",
    "measurement",
    "lesson",
)


@dataclass
class Generated:
    use_cases: int = 0
    people: int = 0
    assessments: int = 0
    gate_decisions: int = 0
    kpis: int = 0
    measurements: int = 0
    lessons: int = 0


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def at(day: date) -> datetime:
    """The moment a generated event happened on `day`: nine in the morning, UTC."""
    return datetime.combine(day, time(9), tzinfo=UTC)


def _next_id(session: Session, name: str) -> int:
    return (session.execute(select(func.max(table(name).c.id))).scalar() or 0) + 1


class ScaleWriter:
    """Hands out ids, table by table, and writes rows built in memory in chunks."""

    def __init__(self, session: Session, seed: int, today: date):
        self.session = session
        self.rng = random.Random(seed)
        self.today = today
        self.now = at(today)
        self.ids = {name: _next_id(session, name) for name in NUMBERED_TABLES}
        self.first_ids = dict(self.ids)
        self.done = Generated()

    def take_id(self, table_name: str) -> int:
        value = self.ids[table_name]
        self.ids[table_name] += 1
        return value

    def write(self, table_name: str, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), CHUNK):
            self.session.execute(insert(table(table_name)), rows[start : start + CHUNK])

    def write_raw(self, table_name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Millions of rows: straight to the driver (COPY on PostgreSQL), skipping per-value type processing."""
        if not rows:
            return
        connection = self.session.connection()
        names = ", ".join(columns)
        if connection.dialect.name == "postgresql":
            raw = connection.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
            return
        # SQLite: the text format SQLAlchemy itself stores dates and UTC timestamps in.
        formatted = [
            tuple(
                value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
                if isinstance(value, datetime)
                else value.isoformat()
                if isinstance(value, date)
                else value
                for value in row
            )
            for row in rows
        ]
        placeholders = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table_name} ({names}) VALUES ({placeholders})", formatted)


def reset_sequences(session: Session) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move each to its table's highest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for each in SQLModel.metadata.sorted_tables:
        if "id" in each.c and each.c.id.autoincrement in (True, "auto") and each.name != "portfolio_revision":
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{each.name}', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{each.name}"), 0) + 1, false)'
                )
            )
