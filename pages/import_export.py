"""Import and export: bring an inventory in (upload, map, preview, import), download the whole portfolio and
the public AI register."""

import streamlit as st

from portfolio.ui.exports_panel import exports_section
from portfolio.ui.import_flow import import_section
from portfolio.ui.shell import require_shell

require_shell()

st.title("Import and export")
st.caption(
    "Bring an existing inventory in from a spreadsheet or a public register, download the whole portfolio, and "
    "publish the public AI register."
)
importing, exporting = st.tabs(["Import", "Export and publish"])
with importing:
    import_section()
with exporting:
    exports_section()
