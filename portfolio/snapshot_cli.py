"""`portfolio snapshot …`: take, list, export and compare quarterly snapshots from the command line (or a
scheduler). Bad input gives one clear message and exit code 2; nothing is written unless all went well."""

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlmodel import Session

from portfolio import db
from portfolio.config import load_settings
from portfolio.errors import DatabaseUnavailable, InvalidInput, PortfolioError
from portfolio.files import target_path, write_atomically
from portfolio.reports.compare import Comparison

BAD_INPUT = 2

snapshot_app = typer.Typer(
    help="Quarterly snapshots: take one, list them, export one for the board, compare two.",
    no_args_is_help=True,
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="PORTFOLIO_DATABASE_URL",
        show_envvar=True,
        help="Database to use. Default: the SQLite file in data/.",
    ),
]
QuarterArgument = Annotated[str, typer.Argument(help="The quarter, such as 2026-Q4.", show_default=False)]


def _fail(error: Exception) -> None:
    typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1 if isinstance(error, DatabaseUnavailable) else BAD_INPUT)


def _engine(database_url: str | None, email: str | None = None) -> Engine:
    from portfolio.startup import prepare_database

    settings = load_settings(database_url=database_url, demo_on_first_start=False, local_person_email=email)
    return prepare_database(settings)


def _day(value: object) -> str:
    return "—" if value is None else f"{value:%-d %b %Y}"


@snapshot_app.command("take")
def take(
    quarter: QuarterArgument,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Take it as the portfolio stood at the end of this day of the quarter (from the history), "
            "such as 2026-09-30. Default: today for the running quarter, the last day for a past one.",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Take a quarter again; the earlier snapshot is kept, marked superseded."
        ),
    ] = False,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            envvar="PORTFOLIO_LOCAL_PERSON_EMAIL",
            help="E-mail of the approver taking it. Default: the local person.",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Freeze the portfolio for a quarter (approvers)."""
    from portfolio.services import people, snapshots

    try:
        engine = _engine(database_url, by)
        with db.unit_of_work(engine) as session:
            actor = people.actor_for(session, by or load_settings().local_person_email)
            snapshot = snapshots.take_snapshot(session, actor, quarter, as_of=as_of, replace=replace)
            content, digest = snapshot.content, snapshot.checksum
        typer.echo(
            f"Took the snapshot of {content['quarter']}: the portfolio as it stood on "
            f"{_day(datetime.fromisoformat(content['as_of']))}, {content['totals']['use_cases']} use cases. "
            f"SHA-256 {digest}."
        )
    except PortfolioError as error:
        _fail(error)


@snapshot_app.command("list")
def list_command(database_url: DatabaseUrl = None) -> None:
    """List the snapshots: quarter, when taken, by whom, whether the checksum holds, and which are superseded."""
    from portfolio.services import snapshots

    try:
        engine = _engine(database_url)
        with Session(engine) as session:
            table = snapshots.list_snapshots(session)
    except PortfolioError as error:
        _fail(error)
        return
    if table.empty:
        typer.echo("No snapshot has been taken yet. Take one with: portfolio snapshot take 2026-Q4")
        return
    typer.echo(f"{'Quarter':<9}{'As of':<13}{'Taken':<19}{'By':<24}{'Checksum':<20}Status")
    for row in table.itertuples():
        state = "verified" if row.intact else "FAILS THE CHECK"
        status = "current" if row.status == "current" else "superseded"
        typer.echo(
            f"{row.quarter:<9}{_day(row.as_of):<13}{row.taken_at:%-d %b %Y %H:%M}{'':<2}"
            f"{(row.taken_by or '—')[:22]:<24}{state:<20}{status}"
        )


@snapshot_app.command("export")
def export(
    quarter: QuarterArgument,
    fmt: Annotated[
        str, typer.Option("--format", help="xlsx, csv (a zip of CSV files), html or pdf (the board report).")
    ],
    out: Annotated[Path, typer.Option("--out", help="File to write, or a folder to write it into.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Export a quarter's snapshot for the board: Excel, CSV zip, HTML or PDF board report."""
    from portfolio.reports.snapshot_export import check_format, export_snapshot
    from portfolio.services import snapshots

    try:
        check_format(fmt)
        engine = _engine(database_url)
        with Session(engine) as session:
            made = export_snapshot(session, snapshots.get_snapshot(session, quarter), fmt)
        path = target_path(out, made.file_name)
        write_atomically(path, made.data)
    except PortfolioError as error:
        _fail(error)
        return
    except OSError as error:
        _fail(InvalidInput({"out": f"Cannot write {out}: {error.strerror or error}. Nothing was written."}))
        return
    typer.echo(f"Wrote {path} ({len(made.data):,} bytes).")


@snapshot_app.command("compare")
def compare_command(
    before: Annotated[str, typer.Argument(help="The earlier quarter, such as 2026-Q3.", show_default=False)],
    after: Annotated[str, typer.Argument(help="The later quarter, such as 2026-Q4.", show_default=False)],
    database_url: DatabaseUrl = None,
) -> None:
    """Compare two quarters' snapshots: what moved, and how the headline figures changed."""
    from portfolio.models import Stage
    from portfolio.reports.compare import UNCHANGED

    try:
        comparison = _comparison(database_url, before, after)
    except PortfolioError as error:
        _fail(error)
        return
    typer.echo(f"From {comparison.before_quarter} to {comparison.after_quarter}:")
    for row in comparison.counts.itertuples():
        if row.use_cases:
            typer.echo(f"  {row.movement:<28}{row.use_cases:>4}")
    moved = comparison.movements[comparison.movements["movement"] != UNCHANGED]
    if not moved.empty:
        typer.echo("\nUse cases that moved:")
        for row in moved.itertuples():
            was = Stage(row.stage_before).label if row.stage_before else "not yet proposed"
            now = Stage(row.stage_after).label if row.stage_after else "gone"
            typer.echo(f"  {row.key:<9}{row.movement:<12}{row.title} ({was} to {now})")
    typer.echo("\nHeadline figures:")
    for row in comparison.figures.itertuples():
        change = "" if row.change is None or row.change != row.change else f"{row.change:+,.0f}"
        typer.echo(f"  {row.figure:<36}{_number(row.before):>14}{_number(row.after):>14}{change:>12}")


def _number(value: object) -> str:
    if value is None or value != value:  # None or NaN
        return "—"
    return f"{value:,.0f}" if isinstance(value, int | float) else str(value)


def _comparison(database_url: str | None, before: str, after: str) -> "Comparison":
    from portfolio.reports.compare import compare
    from portfolio.services import snapshots

    first, second = snapshots.parse_quarter(before), snapshots.parse_quarter(after)
    if first == second:
        raise InvalidInput({"quarter": f"Choose two different quarters to compare (both are {first.label})."})
    engine = _engine(database_url)
    with Session(engine) as session:
        earlier, later = sorted((first, second), key=lambda quarter: (quarter.year, quarter.number))
        earlier = snapshots.get_snapshot(session, earlier.label)
        later = snapshots.get_snapshot(session, later.label)
        return compare(earlier.content, later.content)
