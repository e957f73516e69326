"""On the demo, no page shows a stored key, "None", "nan" or a machine timestamp to a person: every text,
metric, message and table cell that reaches the screen reads in words, through portfolio.labels."""

import re
from datetime import date, datetime

import pandas as pd
import pytest

from portfolio import labels
from portfolio.checklist import APPLIES, RULES
from portfolio.models import (
    AiActTier,
    Dimension,
    Direction,
    Gate,
    GateOutcome,
    KpiKind,
    KpiStatus,
    LessonCategory,
    PilotDecision,
    Stage,
)
from portfolio.scoring import DEFAULT_CRITERIA, Quadrant
from portfolio.ui.navigation import PAGES
from tests.pages.conftest import USE_CASE_TABS, open_tab

# Keys with an underscore cannot be mistaken for words anywhere in a sentence.
VOCABULARIES = (Stage, Gate, GateOutcome, KpiKind, KpiStatus, LessonCategory, Quadrant, AiActTier, Direction)
KEYS_WITH_UNDERSCORES = sorted(
    {member.value for enum in VOCABULARIES for member in enum if "_" in member.value}
    | {key for key in [*RULES, *APPLIES, "pilot_evidence"] if "_" in key}
    | {c.key for c in DEFAULT_CRITERIA if "_" in c.key}
    | {"measured_on", "decided_on", "target_on", "baseline_on", "stage_entered_at", "new_end_on"}
)
RAW_KEY = re.compile(r"\b(" + "|".join(map(re.escape, KEYS_WITH_UNDERSCORES)) + r")\b")
AUDIT_ACTION = re.compile(
    r"\b[a-z]+(_[a-z]+)*\.(recorded|iterate|scale|pause|stop|defined|logged|taken|changed)\b"
)
# Nothing shown as Python or pandas writes it: a whole text or a value after a label ("Reason: None ·"), not
# the word in a sentence people typed ("Personal data: None.").
NOTHING = re.compile(r"(?:^|[:→(]\s*)(None|nan|NaN|NaT)(?=$|\s*[·,;)→\n])")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Whole cells that are a stored key of a one-word vocabulary ("business", "higher", "impact", "dpia").
BARE_KEYS = {
    member.value
    for enum in (KpiKind, Direction, Dimension, PilotDecision, GateOutcome, Stage, KpiStatus)
    for member in enum
} | {"dpia", "manual", "always"}
ICON = re.compile(r":material/[a-z_]+:")


def _problems(text: str) -> list[str]:
    text = ICON.sub("", text)
    found = []
    for pattern in (RAW_KEY, AUDIT_ACTION, NOTHING, ISO_MOMENT, ISO_DAY):
        found += [m.group(1 if pattern is NOTHING else 0) for m in pattern.finditer(text)]
    return found


def _cell_problems(value: object) -> list[str]:
    if isinstance(value, str):
        return ([value] if value in BARE_KEYS else []) + _problems(value)
    if isinstance(value, (list, tuple)):
        return [p for item in value for p in _cell_problems(item)]
    return []  # numbers, dates and timestamps are formatted by their column's format


def _shown_texts(at) -> list[str]:
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
        "exception",
    ):
        texts += [str(element.value) for element in at.get(kind)]
    for metric in at.metric:
        texts += [metric.label, str(metric.value)]
    return texts


def _shown_frames(at) -> list[pd.DataFrame]:
    """The columns each table shows (its column order, when it has one). Tables only: an editable table
    (st.data_editor) holds the keys it saves and shows them through its columns' labels, which only a browser
    renders."""
    frames = []
    for element in at.dataframe:
        if element.editing_mode != "read_only" or not isinstance(element.value, pd.DataFrame):
            continue
        order = [c for c in element.proto.column_order if c in element.value.columns]
        frames.append(element.value[order] if order else element.value)
    return frames


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_no_raw_key_none_or_machine_timestamp_reaches_a_person(app_for, demo_url, spec):
    uc = dict(part.split("=") for part in spec.sample_query.split("&") if part).get("uc")
    at = app_for(demo_url, spec.script, uc=uc if spec.script == "pages/use_case.py" else None)
    assert not at.exception, [e.value for e in at.exception]
    found: dict[str, list[str]] = {}
    # The use case page runs only its open tab: scan each tab in turn.
    for tab in USE_CASE_TABS if spec.script == "pages/use_case.py" else (None,):
        if tab:
            open_tab(at, tab)
            assert not at.exception, [e.value for e in at.exception]
        found |= {text[:80]: problems for text in _shown_texts(at) if (problems := _problems(text))}
        for frame in _shown_frames(at):
            for column in frame.columns:
                for value in frame[column]:
                    if problems := _cell_problems(value):
                        found[f"table cell in {column}"] = problems
    assert not found, f"{spec.url_path}: {found}"


def test_the_scanner_finds_what_it_should():
    assert _problems("Reason: None → Strong") == ["None"]
    assert _problems("None") == ["None"]
    assert _problems("Personal data: None. · Sensitive: No") == []
    assert _problems("pilot_review.recorded by Sofia") == ["pilot_review.recorded"]
    assert _problems("stage: scale_up") == ["scale_up"]
    assert _problems("2026-11-23 15:29:16.121298+00:00") != []
    assert _cell_problems("business") == ["business"]
    assert _problems(labels.moment(datetime(2026, 11, 23, 15, 29, 16))) == []
    assert _problems(labels.day(date(2026, 5, 7))) == []
