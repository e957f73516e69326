"""The demo organisation's content, Meridian Group (a retailer, hotel chain, hospital and service company),
read from the JSON files in `portfolio/demo/data/`: data, not code, so it can be read and edited as such.

- `people.json`: name, e-mail, team and roles of each person.
- `use_cases.json`: each use case. Scores are (customer value, business value, strategic fit, employee relief,
  reach) for `impact` and (EU AI Act tier, data sensitivity, autonomy, customer exposure, bias potential, data
  readiness gap) for `risk`; each reviewer's own scores vary around them. `readiness` is (completeness,
  accuracy, currency). `history` lists each stage with how many days ago the use case entered it. A KPI's
  `progress` is where its latest value stands between baseline (0) and target (1); `target_in` is days.
- `costs.json`: what use cases cost (one-off, and running per month, in EUR), by title.
- `value_kpis.json`: the KPIs that express a use case's results in money or hours per month, by title.
- `lessons.json`: lessons written along the way, by use case title; `days_ago` dates each.

The names below keep the shapes the loader and the scale generator read (tuples for fixed-length values)."""

import json
from importlib.resources import files
from typing import Any


def _read(name: str) -> Any:
    return json.loads(files("portfolio.demo").joinpath("data", f"{name}.json").read_text(encoding="utf-8"))


def _use_case(case: dict[str, Any]) -> dict[str, Any]:
    fixed = {name: tuple(case[name]) for name in ("readiness", "impact", "risk") if name in case}
    history = {"history": [tuple(step) for step in case["history"]]} if "history" in case else {}
    return case | fixed | history


PEOPLE: list[tuple[str, str, str, list[str]]] = [
    (person["name"], person["email"], person["team"], person["roles"]) for person in _read("people")
]
CASES: list[dict[str, Any]] = [_use_case(case) for case in _read("use_cases")]
COSTS: dict[str, tuple[float, float]] = {
    title: (cost["one_off"], cost["running_per_month"]) for title, cost in _read("costs").items()
}
VALUE_KPIS: dict[str, list[dict[str, Any]]] = _read("value_kpis")
LESSONS: dict[str, list[dict[str, Any]]] = _read("lessons")
