"""Server-side time of the steps people felt as slow on the pipeline board: switching "Acting as", opening the
gate dialog from a card, and marking a use case assessed (the move, then the board shown again).

    .venv/bin/python -m benchmarks.interactions DATABASE_URL [--repeat 3]

Prints one JSON document: the median seconds of each step (AppTest's script run, as in benchmarks/measure.py),
the process's processor seconds for it (on a shared machine the wall clock also counts waiting for a core),
the one-minute load average, and any step that could not be measured. Marking assessed writes: each repetition moves another scored,
proposed use case to assessed, so run it on a benchmark or demo database, never on one in use."""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

APP = str(ROOT / "app.py")
LOCAL_EMAIL = "admin@example.org"
BOARD = "pages/board.py"
TIMEOUT = 120


def _board():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page(BOARD)
    at.run()
    return at


def _timed(found: dict[str, list[float]], name: str, step: Any) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    at = step()
    found.setdefault(name, []).append(time.perf_counter() - started)
    # The process's processor time (every thread: the script runs in its own): on a machine shared with other
    # work, the wall clock also counts the wait for a core.
    found.setdefault(f"{name}_cpu", []).append(time.process_time() - cpu)
    if at is not None and at.exception:
        raise RuntimeError("; ".join(str(e.message)[:200] for e in at.exception))


def _someone_else(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as connection:
        other = connection.execute(
            text("SELECT email FROM person WHERE email <> :me AND is_active ORDER BY id LIMIT 1"),
            {"me": LOCAL_EMAIL},
        ).scalar_one()
    engine.dispose()
    return other


def _card_offering(at: Any, action: str) -> str:
    """The key of the first card on the board whose "Decide…" menu offers `action`."""
    from portfolio.ui.decisions import ACTION_LABELS

    for box in at.selectbox:
        if str(box.key).startswith("act_") and ACTION_LABELS[action] in box.options:
            return str(box.key).removeprefix("act_")
    raise LookupError(f"No card on the board offers {ACTION_LABELS[action]!r}.")


def measure(url: str, repeat: int) -> dict[str, Any]:
    from portfolio import db
    from portfolio.models import Stage
    from portfolio.services import people, use_cases

    other = _someone_else(url)
    found: dict[str, list[float]] = {}
    errors: list[str] = []
    engine = db.make_engine(url)
    with db.unit_of_work(engine) as session:
        actor = people.actor_for(session, LOCAL_EMAIL)

    def switch_acting_as() -> None:
        at = _board()
        widget = at.selectbox(key="acting_as")
        _timed(found, "switch_acting_as", lambda: widget.set_value(other).run())

    def open_gate_dialog() -> None:
        at = _board()
        key = _card_offering(at, "gate")
        _timed(found, "open_gate_dialog", lambda: at.selectbox(key=f"act_{key}").set_value("gate").run())

    def mark_assessed() -> None:
        at = _board()
        key = _card_offering(at, "assess")
        at.selectbox(key=f"act_{key}").set_value("assess").run()  # the dialog opens

        def move_and_show() -> Any:
            # The dialog's button (AppTest cannot press buttons inside a dialog): the move in one transaction,
            # then the board's rerun, which reads fresh data since the revision moved on.
            with db.unit_of_work(engine) as session:
                use_cases.move_stage(session, actor, key, Stage.assessed, reason="")
            return at.run()

        _timed(found, "mark_assessed", move_and_show)

    for step in (switch_acting_as, open_gate_dialog, mark_assessed):
        for _ in range(repeat):
            try:
                step()
            except Exception as error:  # report, don't hide: the report shows what could not be measured
                errors.append(f"{step.__name__}: {type(error).__name__}: {error}"[:300])
                break
    engine.dispose()
    median = {name: statistics.median(times) for name, times in found.items()}
    return {
        **{name: median.get(name) for name in STEPS},
        "cpu": {name: median.get(f"{name}_cpu") for name in STEPS},
        "load_average": os.getloadavg()[0],
        "errors": errors,
    }


STEPS = ("switch_acting_as", "open_gate_dialog", "mark_assessed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["PORTFOLIO_DATABASE_URL"] = args.url
    os.environ["PORTFOLIO_DEMO_ON_FIRST_START"] = "false"
    os.environ["PORTFOLIO_LOCAL_PERSON_EMAIL"] = LOCAL_EMAIL
    os.environ.setdefault("PORTFOLIO_REQUIRE_SIGN_IN", "false")
    print(json.dumps(measure(args.url, args.repeat)))


if __name__ == "__main__":
    main()
