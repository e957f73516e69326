"""Download buttons for the whole live portfolio (CSV, Excel; it imports back) and the public AI register
(CSV, static HTML). Files are made when the button is pressed, not on every rerun."""

from datetime import date

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from portfolio.reports import portfolio_export, register
from portfolio.ui import context
from portfolio.ui.reads import read


def _made_by(engine: Engine, make, fmt: str):
    """A callable for st.download_button: it runs on its own thread when pressed, so it opens its own session."""

    def data() -> bytes:
        with Session(engine) as session:
            return make(session, fmt).data

    return data


def exports_section() -> None:
    engine = context.engine()
    today = date.today().isoformat()
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("The whole portfolio")
        st.caption(
            "Every use case with every field and its other attributes, as it is now (not a snapshot). The headers "
            "are the import's field names, so the file imports back into an empty portfolio with nothing lost."
        )
        buttons = st.container(horizontal=True)
        for fmt, label, icon in (("csv", "CSV", ":material/csv:"), ("xlsx", "Excel", ":material/table:")):
            extension, mime = portfolio_export.FORMATS[fmt]
            buttons.download_button(
                f"Download as {label}",
                data=_made_by(engine, portfolio_export.export_portfolio, fmt),
                file_name=f"portfolio-{today}.{extension}",
                mime=mime,
                key=f"export_{fmt}",
                icon=icon,
                on_click="ignore",
            )
    with right:
        st.subheader("Public AI register")
        count = read(register.published_count)
        st.caption(
            f"{count} use case{'s are' if count != 1 else ' is'} marked for publication (approvers choose them on "
            "each use case's page). The register gives name, organisation, purpose, status, human oversight, "
            "impact assessment and contact, as CSV or as one static page for your website."
        )
        buttons = st.container(horizontal=True)
        for fmt, label, icon in (
            ("csv", "CSV", ":material/csv:"),
            ("html", "web page (HTML)", ":material/public:"),
        ):
            extension, mime = register.FORMATS[fmt]
            buttons.download_button(
                f"Download as {label}",
                data=_made_by(engine, register.publish_register, fmt),
                file_name=f"ai-register-{today}.{extension}",
                mime=mime,
                key=f"register_{fmt}",
                icon=icon,
                on_click="ignore",
            )
