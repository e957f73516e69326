"""The scale benchmark: build portfolios of 1,000 and 10,000 use cases, measure every page and the typical
interactions against their floors, and write a Markdown report.

    .venv/bin/python -m benchmarks.run                      # SQLite, 1,000 and 10,000 use cases
    .venv/bin/python -m benchmarks.run --postgres-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m benchmarks.run --sizes 1000 --repeat 1   # a quick look

Generated databases are kept in benchmarks/.data/ (ignored by git) and reused while the schema and the
generator are unchanged; pass --rebuild to make them again. The report goes to benchmarks/REPORT.md."""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / ".data"
TARGET_PAGE_SECONDS = 1.0
TARGET_INTERACTION_SECONDS = 0.5
TARGET_FLOOR_RATIO = 3.0


def _postgres_database(base_url: str, name: str) -> str:
    base = make_url(base_url).set(drivername="postgresql+psycopg")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def build(size: int, backend: str, postgres_url: str | None, rebuild: bool) -> tuple[str, float | None]:
    """A database holding `size` generated use cases; returns its URL and the seconds generation took (None
    when an earlier build was reused)."""
    from portfolio.config import load_settings
    from portfolio.demo.scale import generate_scale_portfolio
    from portfolio.startup import prepare_database

    if backend == "sqlite":
        DATA.mkdir(exist_ok=True)
        path = DATA / f"portfolio-{size}.db"
        url = f"sqlite:///{path}"
        if path.exists() and not rebuild:
            return url, None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = _postgres_database(postgres_url or "", f"portfolio_bench_{size}")
    engine = prepare_database(load_settings(database_url=url, demo_on_first_start=False))
    started = time.perf_counter()
    generate_scale_portfolio(engine, size, progress=_progress(f"{backend} {size:,}"))
    took = time.perf_counter() - started
    engine.dispose()
    print(file=sys.stderr)
    return url, took


def _progress(label: str):
    def show(share: float, what: str) -> None:
        print(f"\r  building {label}: {share:4.0%} {what:<30}", end="", file=sys.stderr, flush=True)

    return show


def measure(url: str, repeat: int) -> dict[str, Any]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    load_before = os.getloadavg()[0]
    finished = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", url, "--repeat", str(repeat)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise SystemExit(f"Measuring {url} failed:\n{finished.stderr[-4000:]}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    # The machine's one-minute load average before and after: above the core count, other work was
    # competing for the processor while the figures were taken.
    result["load_average"] = (load_before, os.getloadavg()[0])
    return result


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def report(
    results: dict[tuple[str, int], dict[str, Any]], builds: dict[tuple[str, int], float | None]
) -> str:
    lines = [
        "# Scale benchmark",
        "",
        f"Taken {datetime.now(UTC):%-d %B %Y %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}.",
        "",
        "Server-side time is the time the app's script takes for one request (Streamlit's script runner, as "
        "AppTest runs it); *first* is with empty caches, *rerun* the same page again. The floor is the time "
        "of the plain SQL queries behind the page's figures plus an empty Streamlit page. *CPU* is the processor time the app process spent on the first run (its script and, on "
        "SQLite, the database): on a machine shared with other work it leaves out the time spent waiting for a "
        "core, which the wall-clock figures include. The ratio is first run "
        f"(wall clock) over floor. Targets: every page under {TARGET_PAGE_SECONDS:.0f} s and within "
        f"{TARGET_FLOOR_RATIO:.0f}× its floor; interactions under {TARGET_INTERACTION_SECONDS} s.",
        "",
    ]
    for (backend, size), result in sorted(results.items()):
        built = builds.get((backend, size))
        lines += [
            f"## {backend}, {size:,} use cases",
            "",
            f"Generated in {_seconds(built)}." if built else "Generated earlier (reused).",
            "Load average (1 minute) before and after measuring: "
            + " and ".join(f"{v:.1f}" for v in result.get("load_average", ()))
            + f" on {os.cpu_count()} cores.",
            f"Empty Streamlit page: {_seconds(result['empty_page'])}. Peak memory of the measuring app process: "
            f"{result['peak_memory_mb']:.0f} MB {_mark(result['peak_memory_mb'] < 1024)}.",
            "",
            "| Page | First run | First run, CPU | Rerun | Floor (SQL + empty page) | Ratio | Meets target |",
            "|---|---:|---:|---:|---:|---:|:---:|",
        ]
        floors = result["floors"]
        for page in result["pages"]:
            floor = floors.get(page["path"], floors.get("default", 0.0)) + result["empty_page"]
            ratio = page["first_run"] / floor if floor else float("nan")
            ok = not page["error"] and page["first_run"] < TARGET_PAGE_SECONDS and ratio <= TARGET_FLOOR_RATIO
            note = f" (error: {page['error']})" if page["error"] else ""
            lines.append(
                f"| {page['page']}{note} | {_seconds(page['first_run'])} | {_seconds(page.get('first_run_cpu'))} | "
                f"{_seconds(page['rerun'])} | "
                f"{_seconds(floor)} | {ratio:.1f}× | {_mark(ok)} |"
            )
        first_view = result.get("snapshot_first_view")
        if first_view is not None:
            lines += [
                "",
                "The Quarterly snapshots page holds last quarter's and this quarter's snapshots. Its first run above "
                "reads and verifies both, and shows the report and comparison the app derived from them before "
                f"(remembered by their stored text); the first visit after the app starts derives them: {_seconds(first_view)}.",
            ]
        interactions = result.get("interactions")
        if interactions:
            lines += ["", "| Interaction | Server-side time | Meets target |", "|---|---:|:---:|"]
            for name, label in (
                ("filter_portfolio", "Filter the portfolio by sector"),
                ("open_use_case", "Open a use case"),
                ("log_measurement", "Log a measurement and see the page again"),
            ):
                value = interactions.get(name)
                lines.append(
                    f"| {label} | {_seconds(value)} | "
                    f"{_mark(value is not None and value < TARGET_INTERACTION_SECONDS)} |"
                )
            for error in interactions.get("errors", []):
                lines.append(f"\nNot measured: {error}")
        for name in ("snapshot", "import"):
            step = result.get(name) or {}
            if "skipped" in step:
                lines.append(f"\n{name.capitalize()}: not measured ({step['skipped']}).")
            elif step:
                lines.append(
                    f"\n{name.capitalize()}: " + ", ".join(f"{k} {_seconds(v)}" for k, v in step.items())
                )
        lines.append("")
    sizes = sorted({size for _, size in results})
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        lines += [
            f"## Growth from {small:,} to {large:,} use cases",
            "",
            f"How many times longer each page's first run takes with {large // small}× the use cases "
            "(linear growth would be at most that factor; a page that reads only what a person sees grows far "
            "less).",
            "",
            "| Backend | Page | Growth |",
            "|---|---|---:|",
        ]
        for backend in sorted({b for b, _ in results}):
            if (backend, small) not in results or (backend, large) not in results:
                continue
            before = {p["path"]: p for p in results[(backend, small)]["pages"]}
            for page in results[(backend, large)]["pages"]:
                first = before.get(page["path"])
                if first and first["first_run"]:
                    lines.append(
                        f"| {backend} | {page['page']} | {page['first_run'] / first['first_run']:.1f}× |"
                    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="Comma-separated portfolio sizes.")
    parser.add_argument(
        "--postgres-url", help="Also measure PostgreSQL; databases are created beside this one."
    )
    parser.add_argument("--repeat", type=int, default=3, help="Runs per figure (the median is reported).")
    parser.add_argument("--rebuild", action="store_true", help="Generate the SQLite databases again.")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "REPORT.md")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    backends = ["sqlite", *(["postgresql"] if args.postgres_url else [])]
    results, builds = {}, {}
    for size in (int(s) for s in args.sizes.split(",")):
        for backend in backends:
            url, took = build(size, backend, args.postgres_url, args.rebuild)
            builds[(backend, size)] = took
            print(f"measuring {backend} {size:,}…", file=sys.stderr)
            results[(backend, size)] = measure(url, args.repeat)
    text_report = report(results, builds)
    args.out.write_text(text_report)
    print(text_report)


if __name__ == "__main__":
    main()
