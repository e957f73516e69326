"""The `portfolio import`, `portfolio export` and `portfolio publish` commands (registered in cli.py)."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, Protocol, TypeVar

import typer
from sqlmodel import Session

from portfolio import db
from portfolio.config import load_settings
from portfolio.errors import InvalidInput, PortfolioError
from portfolio.imports.mapping import DOCUMENTED_FIELDS, parse_assignments
from portfolio.models import Stage

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="PORTFOLIO_DATABASE_URL",
        show_envvar=True,
        help="Database to use. Default: the SQLite file in data/.",
    ),
]
ActingAs = Annotated[
    str | None,
    typer.Option("--as", help="E-mail of the person importing (default: PORTFOLIO_LOCAL_PERSON_EMAIL)."),
]


def _fail(error: Exception) -> None:
    typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _open(database_url: str | None, acting_as: str | None):
    from portfolio.services.people import actor_for
    from portfolio.startup import prepare_database, seed

    settings = load_settings(database_url=database_url, demo_on_first_start=False)
    engine = prepare_database(settings)
    with db.unit_of_work(engine) as session:
        actor = actor_for(session, acting_as) if acting_as else seed(session, settings)
    return settings, engine, actor


def import_command(
    path: Annotated[Path, typer.Argument(help="CSV file or Excel workbook (.xlsx) to import.")],
    sheet: Annotated[
        str | None, typer.Option(help="Excel: the sheet to import (default: the first).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="CSV: the file's encoding, e.g. utf-8 or cp1252 (default: detected).")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help=f"COLUMN=FIELD, repeatable. Fields: {', '.join(DOCUMENTED_FIELDS)}; or skip to leave a column out.",
        ),
    ] = None,
    stage_map: Annotated[
        list[str] | None,
        typer.Option(
            "--stage-map",
            help=f"VALUE=STAGE, repeatable: what a stage word of the file means. Stages: {', '.join(Stage.values())}.",
        ),
    ] = None,
    team_column: Annotated[
        str | None, typer.Option(help="The column holding the team (same as --map COLUMN=team).")
    ] = None,
    default_stage: Annotated[str, typer.Option(help="Stage of rows that give none.")] = Stage.proposed.value,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
    ] = False,
    acting_as: ActingAs = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import use cases from a CSV or Excel file: a dry run first shows what is created, updated and refused."""
    from portfolio.imports.reading import read_table
    from portfolio.services.imports import ImportOptions, preview_import, run_import

    try:
        if not path.is_file():
            raise InvalidInput({"path": f"There is no file {path}."})
        mapping = parse_assignments(map_ or [], "map")
        if team_column:
            mapping[team_column] = "team"
        options = ImportOptions(mapping, parse_assignments(stage_map or [], "stage-map"), default_stage)
        table = read_table(path.read_bytes(), path.name, sheet=sheet, encoding=encoding)
        typer.echo(f"{path.name}: {table.describe()}.")
        for notice in table.notices:
            typer.echo(f"Note: {notice}")
        _settings, engine, actor = _open(database_url, acting_as)
        if dry_run:
            with db.unit_of_work(engine) as session:
                plan = preview_import(session, table, options)
                session.rollback()
        else:
            with (
                typer.progressbar(length=100, label="Importing", file=None) as bar,
                db.unit_of_work(engine) as session,
            ):
                done = 0

                def advance(share: float, _message: str) -> None:
                    nonlocal done
                    bar.update(int(share * 100) - done)
                    done = int(share * 100)

                plan = run_import(session, actor, table, options, progress=advance).plan
        _report(plan, dry_run)
    except PortfolioError as error:
        _fail(error)


def _report(plan, dry_run: bool) -> None:
    summary = plan.summary()
    verb = "would be" if dry_run else "were"
    typer.echo(
        f"{summary['rows']:,} rows: {summary['created']:,} {verb} created, {summary['updated']:,} updated, "
        f"{summary['unchanged']:,} unchanged, {summary['refused']:,} refused."
    )
    if plan.unknown_stages:
        words = ", ".join(f"“{v}” ({n})" for v, n in plan.unknown_stages.items())
        typer.echo(f"Stage words not mapped: {words}. Map them with --stage-map VALUE=STAGE.")
    for problem in plan.refusals:
        where = f", column “{problem.column}”" if problem.column else ""
        typer.echo(f"  Row {problem.row}{where}: {problem.problem}")
    if plan.people_to_add:
        typer.echo(f"{len(plan.people_to_add)} person(s) named by e-mail {verb} added to People.")
    if dry_run:
        typer.echo("Dry run: nothing was changed.")


BAD_INPUT = 2


def _fail_input(error: Exception) -> NoReturn:
    """Bad input (an unknown format, a path that cannot be written) ends with exit code 2; a database that
    cannot be used with 1, as every other command."""
    from portfolio.errors import DatabaseUnavailable

    typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1 if isinstance(error, DatabaseUnavailable) else BAD_INPUT)


class MadeFile(Protocol):
    file_name: str
    data: bytes


Made = TypeVar("Made", bound=MadeFile)


def _write_from_portfolio(
    fmt: str,
    out: Path,
    database_url: str | None,
    check_format: Callable[[str], object],
    make: Callable[[Session, str], Made],
) -> tuple[Path, Made]:
    """What `export` and `publish` share: check the format, make the file from the live portfolio, write it
    to `out` (a file, or a folder to write it into) whole or not at all; every problem ends the command."""
    from portfolio.files import target_path, write_atomically
    from portfolio.startup import prepare_database

    try:
        check_format(fmt)
        engine = prepare_database(load_settings(database_url=database_url, demo_on_first_start=False))
        with Session(engine) as session:
            made = make(session, fmt)
        path = target_path(out, made.file_name)
        try:
            write_atomically(path, made.data)
        except OSError as error:
            raise InvalidInput(
                {"out": f"Cannot write {out}: {error.strerror or error}. Nothing was written."}
            ) from None
    except PortfolioError as error:
        _fail_input(error)
    return path, made


def export_command(
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")],
    out: Annotated[Path, typer.Option("--out", help="File to write, or a folder to write it into.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Export the whole live portfolio (every field and other attribute) as CSV or Excel; it imports back."""
    from portfolio.reports.portfolio_export import check_format, export_portfolio

    path, made = _write_from_portfolio(fmt, out, database_url, check_format, export_portfolio)
    typer.echo(f"Wrote {path}: {made.use_cases:,} use cases ({len(made.data):,} bytes).")


def publish_command(
    fmt: Annotated[str, typer.Option("--format", help="csv or html (a static page for your website).")],
    out: Annotated[Path, typer.Option("--out", help="File to write, or a folder to write it into.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Write the public AI register: the use cases marked for publication, as CSV or a static HTML page."""
    from portfolio.reports.register import check_format, publish_register

    path, made = _write_from_portfolio(fmt, out, database_url, check_format, publish_register)
    typer.echo(f"Wrote {path}: {made.entries:,} use cases marked for publication ({len(made.data):,} bytes).")
