"""Generated KPIs and their weekly measurements: which KPIs a use case measures (the demo case's own, topped
up from the trust and employee catalogue), and series moving from baseline toward target, thinned so the
portfolio holds about the asked number of measurements. Each KPI keeps its latest measurement."""

from datetime import date, timedelta
from typing import Any

from portfolio.demo.content import VALUE_KPIS
from portfolio.demo.scale_writer import CHUNK, Progress, ScaleWriter, at
from portfolio.kpis import NON_NEGATIVE_UNITS, UNIT_RANGES

# A KPI to write: its use case, its spec, and the days its measurements start and end.
KpiSpec = tuple[int, dict[str, Any], date, date]

GENERIC_KPIS: tuple[dict[str, Any], ...] = (
    {
        "name": "Customer satisfaction",
        "kind": "trust",
        "unit": "score 1-10",
        "direction": "higher",
        "baseline": 7.4,
        "target": 8.2,
    },
    {
        "name": "Hand-overs to a person answered within 2 minutes",
        "kind": "trust",
        "unit": "%",
        "direction": "higher",
        "baseline": 70,
        "target": 90,
    },
    {
        "name": "Employee adoption",
        "kind": "employee",
        "unit": "%",
        "direction": "higher",
        "baseline": 10,
        "target": 60,
    },
    {
        "name": "Model accuracy",
        "kind": "model_quality",
        "unit": "%",
        "direction": "higher",
        "baseline": 78,
        "target": 90,
    },
    {
        "name": "Fairness gap between customer groups",
        "kind": "fairness",
        "unit": "percentage points",
        "direction": "lower",
        "baseline": 6,
        "target": 2,
    },
    {
        "name": "Staff hours saved",
        "kind": "business",
        "unit": "hours per month",
        "direction": "higher",
        "baseline": 0,
        "target": 400,
    },
)
MEASUREMENT_COLUMNS = (
    "id",
    "kpi_id",
    "measured_on",
    "value",
    "note",
    "source",
    "created_at",
    "updated_at",
    "version",
)


def add_kpi_specs(
    writer: ScaleWriter,
    use_case_id: int,
    case: dict[str, Any],
    from_day: date,
    ended: date,
    kpi_specs: list[KpiSpec],
) -> None:
    """Five or six KPIs: the demo case's own, topped up from the trust and employee catalogue."""
    rng = writer.rng
    specs = [*case.get("kpis", []), *VALUE_KPIS.get(case["title"], [])]
    for generic in rng.sample(GENERIC_KPIS, k=len(GENERIC_KPIS)):
        if len(specs) >= rng.choice((5, 6)):
            break
        if all(s["name"] != generic["name"] for s in specs):
            specs.append(
                generic | {"progress": rng.uniform(0.3, 1.2), "target_in": 365, "method": "Weekly report."}
            )
    for spec in specs[:6]:
        # Measured weekly from a baseline period of up to half a year before the pilot.
        baseline_from = from_day - timedelta(days=7 * rng.randint(8, 26))
        kpi_specs.append((use_case_id, spec, baseline_from, ended))


def add_kpis_and_measurements(
    writer: ScaleWriter,
    measurement_budget: int,
    kpi_rows: list[dict[str, Any]],
    specs: list[KpiSpec],
    progress: Progress | None,
) -> None:
    weeks_available = [max(0, (ended - start).days // 7) for _, _, start, ended in specs]
    total_weeks = sum(weeks_available) or 1
    # Thin every series evenly so the portfolio holds about the asked number of measurements.
    keep_share = min(1.0, measurement_budget / total_weeks)
    measurements: list[tuple[Any, ...]] = []
    written = 0
    kpis_written = 0
    for index, ((use_case_id, spec, start, ended), weeks) in enumerate(
        zip(specs, weeks_available, strict=True)
    ):
        kpi_id = writer.take_id("kpi")
        series = _series(writer, spec, start, ended, max(1, round(weeks * keep_share)) if weeks else 0)
        latest = series[-1] if series else None
        kpi_rows.append(
            {
                "id": kpi_id,
                "use_case_id": use_case_id,
                "name": spec["name"],
                "kind": spec["kind"],
                "unit": spec["unit"],
                "direction": spec["direction"],
                "baseline": spec["baseline"],
                "baseline_on": start,
                "target": spec["target"],
                "target_on": start + timedelta(days=spec.get("target_in", 365)),
                "method": spec.get("method", ""),
                "reporter_id": None,
                "latest_value": latest[1] if latest else None,
                "latest_on": latest[0] if latest else None,
                "created_at": at(start),
                "updated_at": at(latest[0] if latest else start),
                "version": 1,
            }
        )
        measurement_id = writer.ids["measurement"]
        for day, value in series:
            stamp = at(day)
            measurements.append((measurement_id, kpi_id, day, value, "", "Weekly report", stamp, stamp, 1))
            measurement_id += 1
        writer.ids["measurement"] = measurement_id
        if len(measurements) >= CHUNK * 4:
            kpis_written += _flush(writer, kpi_rows, measurements)
            written += len(measurements)
            measurements = []
            if progress:
                progress(0.4 + 0.6 * index / max(len(specs), 1), f"{written:,} measurements")
    kpis_written += _flush(writer, kpi_rows, measurements)
    writer.done.measurements = writer.ids["measurement"] - writer.first_ids["measurement"]
    writer.done.kpis = kpis_written


def _flush(writer: ScaleWriter, kpi_rows: list[dict[str, Any]], measurements: list[tuple[Any, ...]]) -> int:
    """Write the KPIs built so far, then their measurements; return how many KPIs were written."""
    # KPIs first: the measurements refer to them.
    writer.write("kpi", kpi_rows)
    count = len(kpi_rows)
    kpi_rows.clear()
    writer.write_raw("measurement", MEASUREMENT_COLUMNS, measurements)
    return count


def _clip(unit: str, value: float) -> float:
    if unit in UNIT_RANGES:
        low, high = UNIT_RANGES[unit]
        return min(max(value, low), high)
    return max(value, 0.0) if unit in NON_NEGATIVE_UNITS else value


def _series(
    writer: ScaleWriter, spec: dict[str, Any], start: date, end: date, points: int
) -> list[tuple[date, float]]:
    """`points` weekly values, the latest ones, moving from baseline toward `progress` of the target."""
    if points <= 0:
        return []
    weeks = max((end - start).days // 7, 1)
    span = spec["target"] - spec["baseline"]
    progress = spec.get("progress", 0.8)
    noise = abs(span) * 0.04
    values = []
    for week in range(weeks - points + 1, weeks + 1):
        share = week / weeks
        value = spec["baseline"] + span * progress * (share**0.7) + writer.rng.gauss(0, noise)
        values.append((start + timedelta(days=7 * week), round(_clip(spec["unit"], value), 2)))
    return values
