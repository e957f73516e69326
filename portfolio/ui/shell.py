"""Keeps every page inside the app shell (app.py's navigation, sidebar and acting person).

Streamlit 1.67 still honours its older multipage mode for a project with a `pages/` folder until the first
`st.navigation` call in the process: a visitor whose first request after a server start is a page's own
address (/use_case?uc=UC-0001, say) would get that page script run on its own, without app.py. Each page
calls `require_shell()` first; in that situation it switches the process to `st.navigation` mode and runs
app.py in this same run (a rerun would drop a button click that started it), which opens the requested page."""

import runpy
from pathlib import Path

import streamlit as st

try:  # an internal of Streamlit's; without it (a later version) there is nothing to guard against here
    from streamlit.runtime.pages_manager import PagesManager
except ImportError:  # pragma: no cover
    PagesManager = None

APP = Path(__file__).resolve().parents[2] / "app.py"


def require_shell() -> None:
    if PagesManager is not None and getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
