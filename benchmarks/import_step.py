"""The benchmark's import step: 5,000 rows of an inventory, through `portfolio import`, into an empty database."""

import csv
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text
from typer.testing import CliRunner

ROWS = 5_000
STAGES = (
    "Initiated",
    "Acquisition and/or Development",
    "Implementation and Assessment",
    "Operation and Maintenance",
)


def inventory(path: Path, rows: int = ROWS, seed: int = 5) -> None:
    """A CSV shaped like a public register: a name, a description, an agency and bureau, a stage."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Use Case Name", "Problem Statement", "Agency", "Bureau", "Stage of Development", "Use Case ID"]
        )
        for n in range(1, rows + 1):
            writer.writerow(
                [
                    f"Assistant for case handling number {n}",
                    f"Case workers spend hours sorting incoming requests; case {n} tests automatic triage.",
                    rng.choice(("Department of Services", "Department of Health", "Department of Commerce")),
                    rng.choice(("Operations", "Customer care", "Claims")),
                    rng.choice(STAGES),
                    f"INV-{n:05d}",
                ]
            )


def _timed_import(runner: Any, app: Any, source: Path, target: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = runner.invoke(
        app,
        [
            "import",
            str(source),
            "--database-url",
            target,
            "--map",
            "Agency=business_unit",
            "--team-column",
            "Bureau",
        ],
    )
    took = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(f"the import failed: {result.output[-300:]}")
    return took, result.output


@contextmanager
def _empty_database(url: str, folder: Path) -> Iterator[tuple[str, str]]:
    """An empty database of the benchmark's kind: a SQLite file, or a PostgreSQL database created beside the
    benchmark's (and dropped after), so the measured portfolio is never changed."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        yield "SQLite", f"sqlite:///{folder / 'import.db'}"
        return
    name = f"{parsed.database}_import_bench"
    admin = create_engine(parsed.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield "PostgreSQL", parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str) -> dict[str, Any]:
    """Import 5,000 rows into an empty database of the benchmark's kind, then the same file again (every row
    matched, nothing changed): seconds for each, through the command line as a user runs it."""
    from portfolio.cli import app

    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder, _empty_database(url, Path(folder)) as (kind, target):
        source = Path(folder) / "inventory.csv"
        inventory(source)
        prepared = runner.invoke(app, ["db", "upgrade", "--database-url", target])
        if prepared.exit_code != 0:
            return {"skipped": f"could not prepare a database: {prepared.output[-300:]}"}
        try:
            first, output = _timed_import(runner, app, source, target)
            if f"{ROWS:,} rows: {ROWS:,} were created" not in output:
                return {"skipped": f"not every row was created: {output[-300:]}"}
            again, output = _timed_import(runner, app, source, target)
            if f"{ROWS:,} unchanged" not in output:
                return {"skipped": f"the re-import was not idempotent: {output[-300:]}"}
        except RuntimeError as error:
            return {"skipped": str(error)}
    return {f"import {ROWS:,} rows ({kind})": first, f"re-import of the same {ROWS:,} rows ({kind})": again}
