"""The benchmark's import step: 5,000 rows of an inventory, through `portfolio import`, into an empty database."""

import csv
import random
import tempfile
import time
from pathlib import Path
from typing import Any

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


def run(url: str) -> dict[str, Any]:
    from portfolio.cli import app

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "inventory.csv"
        inventory(source)
        target = f"sqlite:///{Path(folder) / 'import.db'}"
        runner = CliRunner()
        prepared = runner.invoke(app, ["db", "upgrade", "--database-url", target])
        if prepared.exit_code != 0:
            return {"skipped": f"could not prepare a database: {prepared.output[-300:]}"}
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
        return {"skipped": f"the import failed: {result.output[-300:]}"}
    return {"import 5,000 rows (SQLite)": took}
