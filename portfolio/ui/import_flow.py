"""The import journey on the Import and export page: upload, read (sheet, encoding), map columns and stage
words, preview the dry run, import in one transaction with a progress bar. Reading, mapping, planning and
writing live in portfolio/imports and portfolio/services/imports; this module only asks and shows.

Every widget's key holds the uploaded file's hash (and the column or stage word it decides), so a second file
starts from its own proposals and never inherits the first file's choices."""

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from portfolio.errors import InvalidInput
from portfolio.imports.mapping import (
    EXTRA,
    FIELD_BY_NAME,
    FIELDS,
    SKIP,
    mapping_problems,
    propose_mapping,
    propose_stage,
)
from portfolio.imports.plan import ImportPlan
from portfolio.imports.reading import ImportFileError, SourceTable, is_excel, read_table, sheet_names
from portfolio.labels import plural
from portfolio.models import Role, Stage
from portfolio.services.imports import ImportOptions, preview_import, run_import, stage_value_counts
from portfolio.ui import context
from portfolio.ui.text import plain

DETECT = "detect"
ENCODINGS = {
    DETECT: "Detect automatically",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
    "utf-16": "UTF-16",
}
NOT_MAPPED = ""
DONE = "import_done_message"
CHOICES = [EXTRA, SKIP, *(f.name for f in FIELDS)]


def _choice_label(choice: str) -> str:
    if choice == EXTRA:
        return "Keep as other attribute"
    if choice == SKIP:
        return "Leave out"
    return f"{FIELD_BY_NAME[choice].label} ({choice})"


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    digest: str


@st.cache_data(max_entries=4, show_spinner="Reading the file…")
def _read(digest: str, _data: bytes, name: str, sheet: str | None, encoding: str | None) -> SourceTable:
    return read_table(_data, name, sheet=sheet, encoding=encoding)


@st.cache_data(max_entries=4, show_spinner=False)
def _sheets(digest: str, _data: bytes, name: str) -> list[str]:
    return sheet_names(_data, name)


@st.cache_data(max_entries=8, ttl=600, show_spinner="Checking every row…")
def _preview(
    digest: str, _table: SourceTable, options_key: str, url: str, revision: int, _options: ImportOptions
) -> ImportPlan:
    with context.reading() as session:
        return preview_import(session, _table, _options)


def upload() -> Upload | None:
    file = st.file_uploader(
        "CSV file or Excel workbook",
        type=["csv", "tsv", "txt", "xlsx", "xlsm"],
        key="import_file",
        help="UTF-8, Windows-1252 or Latin-1 text separated by commas, semicolons or tabs; or an .xlsx workbook. "
        "Up to 20 MB.",
    )
    if file is None:
        return None
    data = file.getvalue()
    return Upload(file.name, data, hashlib.sha256(data).hexdigest()[:16])


def read_upload(file: Upload) -> SourceTable | None:
    """The file as a table, after the sheet (Excel) or encoding (CSV) the user chose; None (with the reason
    shown) when it cannot be read."""
    try:
        if is_excel(file.data, file.name):
            sheets = _sheets(file.digest, file.data, file.name)
            sheet = st.selectbox("Sheet", sheets, key=f"sheet_{file.digest}")
            table = _read(file.digest, file.data, file.name, sheet, None)
        else:
            encoding = st.selectbox(
                "Encoding",
                list(ENCODINGS),
                format_func=ENCODINGS.get,
                key=f"encoding_{file.digest}",
                help="Detected from the file unless you choose one; try another if accents look wrong.",
            )
            table = _read(file.digest, file.data, file.name, None, None if encoding == DETECT else encoding)
    except ImportFileError as error:
        st.error(plain(str(error)), icon=":material/error:")
        return None
    st.caption(plain(f"{file.name}: {table.describe()}."))
    for notice in table.notices:
        st.info(plain(notice), icon=":material/info:")
    return table


def _sample(table: SourceTable, position: int) -> str:
    value = next((cells[position] for _, cells in table.rows if cells[position]), "")
    return value if len(value) <= 60 else value[:59] + "…"


def choose_columns(table: SourceTable, digest: str) -> dict[str, str]:
    """Every column's field (or keep as other attribute, or leave out), proposed from the headers."""
    proposed = propose_mapping(table.columns)
    chosen: dict[str, str] = {}
    mapped = sum(1 for c in table.columns if proposed.get(c, EXTRA) not in (EXTRA, SKIP))
    with st.expander(f"Columns: {mapped} of {len(table.columns)} matched to a field", expanded=True):
        st.caption(
            "Each column of the file feeds a field of the use case. A column kept as an other attribute is stored "
            "with each use case and shown on its page; nothing is dropped unless you choose “Leave out”."
        )
        for position, column in enumerate(table.columns):
            if position % 3 == 0:
                grid = st.columns(3)  # a row of three, so the choices line up however long the names are
            with grid[position % 3]:
                # The column's name is file text: shown escaped; the (hidden) label names the widget for
                # screen readers and tests.
                st.markdown(f"**{plain(column)}**")
                chosen[column] = st.selectbox(
                    column,
                    CHOICES,
                    index=CHOICES.index(proposed.get(column, EXTRA)),
                    format_func=_choice_label,
                    key=f"map_{digest}_{column}",
                    label_visibility="collapsed",
                )
                sample = _sample(table, position)
                st.caption(plain(f"First value: {sample}") if sample else "Empty in every row")
    return chosen


def choose_stages(table: SourceTable, digest: str, chosen: dict[str, str]) -> tuple[dict[str, str], str]:
    """The stage each stage word of the file means (proposals for known words, to confirm), and the stage
    for rows that give none."""
    stages = Stage.values()
    counts = stage_value_counts(table, chosen)
    stage_map: dict[str, str] = {}
    if counts:
        unknown = {value: n for value, n in counts.items() if propose_stage(value) is None}
        with st.expander(f"Stage words: {len(counts)} in the file", expanded=bool(unknown)):
            if unknown:
                listed = ", ".join(f"“{value}” ({plural(n, 'row')})" for value, n in unknown.items())
                st.warning(
                    plain(f"Not recognised: {listed}. Choose a stage for each, or their rows are refused."),
                    icon=":material/help:",
                )
            for position, (value, n) in enumerate(counts.items()):
                proposal = propose_stage(value)
                options = stages if proposal else [NOT_MAPPED, *stages]
                if position % 3 == 0:
                    grid = st.columns(3)
                with grid[position % 3]:
                    st.markdown(f"**{plain(value)}** · {plural(n, 'row')}")
                    picked = st.selectbox(
                        value,
                        options,
                        index=options.index(proposal.value) if proposal else 0,
                        format_func=lambda s: Stage(s).label if s else "Not mapped: refuse these rows",
                        key=f"stage_{digest}_{value}",
                        label_visibility="collapsed",
                    )
                if picked:
                    stage_map[value] = picked
    default_stage = st.selectbox(
        "Stage for rows that give none",
        stages,
        index=stages.index(Stage.proposed.value),
        format_func=lambda s: Stage(s).label,
        key=f"default_stage_{digest}",
    )
    return stage_map, default_stage


def preview(file: Upload, table: SourceTable, options: ImportOptions) -> ImportPlan | None:
    """The dry run, shown: counts and every refused row with its column and why. Writes nothing."""
    options_key = json.dumps(
        [table.sheet, table.encoding, options.mapping, options.stage_map, options.default_stage],
        sort_keys=True,
    )
    try:
        plan = _preview(
            file.digest,
            table,
            options_key,
            context.settings().effective_database_url,
            context.revision(),
            options,
        )
    except InvalidInput as error:
        st.error(plain(" ".join(error.problems.values())), icon=":material/edit_note:")
        return None
    summary = plan.summary()
    st.subheader("Preview")
    cells = st.columns(5)
    for cell, (label, key) in zip(
        cells,
        [
            ("Rows", "rows"),
            ("To create", "created"),
            ("To update", "updated"),
            ("Unchanged", "unchanged"),
            ("Refused", "refused"),
        ],
        strict=True,
    ):
        cell.metric(label, f"{summary[key]:,}")
    if plan.people_to_add:
        st.caption(
            f"{plural(len(plan.people_to_add), 'person', 'people')} named by e-mail not in People yet: "
            "added as viewers when you import."
        )
    if plan.refusals:
        st.markdown(
            f"**Refused rows** ({plan.refused_rows:,}): fix them in the file, or map their values above."
        )
        st.dataframe(
            pd.DataFrame(
                [(p.row, p.column or "—", p.problem) for p in plan.refusals],
                columns=["Row", "Column", "Problem"],
            ),
            hide_index=True,
            width="stretch",
            height=min(400, 38 + 35 * len(plan.refusals)),
            column_config={
                "Row": st.column_config.NumberColumn(width="small"),
                "Column": st.column_config.TextColumn(width="medium"),
                "Problem": st.column_config.TextColumn(width="large"),
            },
        )
    return plan


def import_button(file: Upload, table: SourceTable, options: ImportOptions, plan: ImportPlan) -> None:
    """Import every accepted row in one transaction, with a progress bar; the result is shown after a rerun."""
    actor = context.current_actor()
    writes = plan.count("create") + plan.count("update")
    if not st.button(
        f"Import {plural(writes, 'use case')}" if writes else "Nothing to import",
        type="primary",
        disabled=writes == 0,
        key=f"import_{file.digest}",
        icon=":material/upload:",
    ):
        return
    bar = st.progress(0.0, text="Importing…")
    result = context.attempt(
        lambda session: run_import(
            session,
            actor,
            table,
            options,
            progress=lambda share, message: bar.progress(min(max(share, 0.0), 1.0), text=message),
        )
    )
    if result is None:
        bar.empty()
        return
    summary = result.plan.summary()
    st.session_state[DONE] = (
        file.name,
        f"Import done: {summary['created']:,} created, {summary['updated']:,} updated, "
        f"{summary['unchanged']:,} unchanged, {summary['refused']:,} refused. It is recorded in the audit trail.",
    )
    st.rerun()


def import_section() -> None:
    """The whole import journey, for contributors."""
    if Role.contributor not in context.current_actor().roles:
        st.info("Importing use cases needs the contributor role.", icon=":material/lock:")
        return
    done = st.session_state.pop(DONE, None)
    if done:
        # Alerts show Markdown escapes literally, so the file's name (typed text) goes in a caption below.
        file_name, message = done
        st.success(message, icon=":material/check_circle:")
        st.caption(plain(f"From {file_name}."))
        st.page_link("pages/portfolio.py", label="See them on the Portfolio", icon=":material/table_view:")
    file = upload()
    if file is None:
        st.caption(
            "A dry run shows what would be created, updated and refused before anything is written; the import "
            "then stores every accepted row, or none. Importing a newer version of the same file updates its use "
            "cases instead of adding copies."
        )
        return
    table = read_upload(file)
    if table is None:
        return
    chosen = choose_columns(table, file.digest)
    problems = mapping_problems(chosen)
    if problems:
        for problem in problems:
            st.error(plain(problem), icon=":material/edit_note:")
        return
    stage_map, default_stage = choose_stages(table, file.digest, chosen)
    options = ImportOptions(chosen, stage_map, default_stage)
    plan = preview(file, table, options)
    if plan is not None:
        import_button(file, table, options, plan)
