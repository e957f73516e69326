"""The `portfolio` command."""

from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from portfolio import db
from portfolio.config import Settings, load_settings
from portfolio.errors import PortfolioError
from portfolio.snapshot_cli import snapshot_app


class _SaysWhatWentWrong(TyperGroup):
    """Every command's database faults (server down, locked, not a database, read-only folder) end in one
    sentence and exit code 1, never a traceback; the mapping lives in portfolio.db.database_fault."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as error:
            fault = db.database_fault(error, _in_use.get("url"))
            if fault is None:
                raise
            _fail(fault)


_in_use: dict[str, str] = {}  # the database the running command opened, for naming it in a fault

app = typer.Typer(
    cls=_SaysWhatWentWrong,
    help="AI Pilot Portfolio: manage the database and the demo portfolio from the command line.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(
    help="Database schema: upgrade to the newest version, show the current one, or go back to an earlier one.",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(snapshot_app, name="snapshot")
incidents_app = typer.Typer(
    help="The public AI incident library (AI Incident Database, CC BY-SA 4.0) shown on the Lessons page.",
    no_args_is_help=True,
)
app.add_typer(incidents_app, name="incidents")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="PORTFOLIO_DATABASE_URL",
        show_envvar=True,
        help="Database to use. Default: the SQLite file in data/.",
    ),
]


def _settings(database_url: str | None) -> Settings:
    settings = load_settings(database_url=database_url)
    _in_use["url"] = settings.effective_database_url
    return settings


def _fail(error: Exception) -> None:
    typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Bring the database schema to the newest version (the app also does this on start)."""
    settings = _settings(database_url)
    try:
        engine = db.make_engine(settings.effective_database_url)
        db.upgrade(engine)
        typer.echo(
            f"Database {db.describe(settings.effective_database_url)} is at revision {db.current_revision(engine)}."
        )
    except PortfolioError as error:
        _fail(error)


@db_app.command("current")
def db_current(database_url: DatabaseUrl = None) -> None:
    """Show the database's schema revision and the newest one available."""
    settings = _settings(database_url)
    try:
        engine = db.make_engine(settings.effective_database_url)
        db.check_connection(engine)
        current, head = db.current_revision(engine), db.head_revision(engine)
        if current == head:
            state = "up to date"
        elif not db.known_revision(engine, current):
            state = (
                f"newer than this version of the app knows (its newest is {head}); a newer version upgraded "
                "it, so use that version"
            )
        else:
            state = f"behind; run `portfolio db upgrade` to reach {head}"
        typer.echo(f"Revision {current or 'none (empty database)'}: {state}.")
    except PortfolioError as error:
        _fail(error)


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[
        str,
        typer.Argument(help="Revision to go back to (see `portfolio db current`), -1 for one step, or base."),
    ] = "-1",
    allow_data_loss: Annotated[
        bool,
        typer.Option(
            "--allow-data-loss",
            help="Go ahead even though the downgrade deletes stored data (it says what first). Take a backup.",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Take the schema back to an earlier revision. Refuses when that would delete data, saying what."""
    settings = _settings(database_url)
    try:
        engine = db.make_engine(settings.effective_database_url)
        db.downgrade(engine, revision, allow_data_loss=allow_data_loss)
        typer.echo(
            f"Database {db.describe(settings.effective_database_url)} is at revision "
            f"{db.current_revision(engine) or 'none (empty database)'}."
        )
    except PortfolioError as error:
        _fail(error)


@app.command()
def demo(
    database_url: DatabaseUrl = None,
    scale: Annotated[
        int | None,
        typer.Option(
            "--scale",
            min=1,
            max=200_000,
            help="Instead of the demo, generate this many plausible use cases (with scores, gate decisions, "
            "KPIs and weekly measurements) for benchmarks and load tests.",
        ),
    ] = None,
    measurements: Annotated[
        int | None,
        typer.Option(
            "--measurements",
            min=0,
            help="With --scale: about how many KPI measurements to generate (default: 200 per use case).",
        ),
    ] = None,
) -> None:
    """Load the demo portfolio (Meridian Group: 36 use cases) into an empty database, or generate a large one."""
    from portfolio.startup import prepare_database

    settings = load_settings(database_url=database_url, demo_on_first_start=False)
    try:
        engine = prepare_database(settings)
        if scale is not None:
            _generate(engine, settings, scale, measurements)
            return
        from portfolio.demo import load_demo

        with (
            typer.progressbar(length=100, label="Loading the demo portfolio") as bar,
            db.unit_of_work(engine) as session,
        ):
            done = 0

            def advance(share: float, _title: str) -> None:
                nonlocal done
                bar.update(int(share * 100) - done)
                done = int(share * 100)

            count = load_demo(session, progress=advance)
        typer.echo(f"Loaded {count} use cases into {db.describe(settings.effective_database_url)}.")
    except PortfolioError as error:
        _fail(error)


def _generate(engine: Any, settings: Settings, count: int, measurements: int | None) -> None:
    from portfolio.demo.scale import generate_scale_portfolio

    with typer.progressbar(length=100, label=f"Generating {count:,} use cases") as bar:
        done = 0

        def advance(share: float, _what: str) -> None:
            nonlocal done
            bar.update(int(share * 100) - done)
            done = int(share * 100)

        result = generate_scale_portfolio(engine, count, measurements=measurements, progress=advance)
    typer.echo(
        f"Generated {result.use_cases:,} use cases, {result.kpis:,} KPIs and {result.measurements:,} measurements "
        f"in {db.describe(settings.effective_database_url)}."
    )


@incidents_app.command("refresh")
def incidents_refresh(
    path: Annotated[
        Path,
        typer.Argument(help="A newer AI Incident Database incidents CSV (same columns as the shipped one)."),
    ],
    classifications: Annotated[
        Path | None,
        typer.Option(
            "--classifications",
            help="Its MIT risk-domain classifications CSV. Without it, known incidents keep their risk domain.",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Replace the incident library with a newer export of the same shape (nothing changes if any row is bad)."""
    from portfolio.services import incidents
    from portfolio.startup import prepare_database, seed

    settings = load_settings(database_url=database_url, demo_on_first_start=False)
    for given in (path, classifications):
        if given is not None and not given.is_file():
            _fail(FileNotFoundError(f"There is no file {given}."))
    try:
        engine = prepare_database(settings)
        with db.unit_of_work(engine) as session:
            actor = seed(session, settings)
            result = incidents.refresh_library(session, actor, path, classifications, source=path.name)
    except PortfolioError as error:
        _fail(error)
    typer.echo(
        f"The incident library now holds {result.after:,} incidents ({result.new:,} new; {result.before:,} before)."
    )


from portfolio import cli_imports  # noqa: E402 (the commands need `app` defined above)

app.command("import")(cli_imports.import_command)
app.command("export")(cli_imports.export_command)
app.command("publish")(cli_imports.publish_command)


if __name__ == "__main__":
    app()
