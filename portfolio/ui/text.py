"""Text that people typed or imported is data, never markup. Everything Streamlit renders as Markdown
(st.markdown, st.write of a string, captions, labels of metrics, expanders, tabs and buttons) interprets
`**bold**`, `:red[...]`, `$$…$$`, emoji and icon codes, links and HTML; this module shows such text exactly
as typed. Use `plain()` to put typed text inside a Markdown string you build, `show()` to show it alone."""

import re

import streamlit as st

# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it also stops Streamlit's own
# extensions (colour and icon directives start with ':', LaTeX with '$').
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def plain(text: object) -> str:
    """`text` escaped so that Markdown shows it exactly as typed, line breaks kept."""
    if text is None:
        return ""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    lines = escaped.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Leading spaces would make an indented code block; a hard break keeps each typed line.
    return "  \n".join(line.replace(" ", "\u00a0", len(line) - len(line.lstrip(" "))) for line in lines)


def show(text: object, *, empty: str = "") -> None:
    """Show typed text as a paragraph, exactly as typed (`empty` in italics when there is none)."""
    if text is None or not str(text).strip():
        if empty:
            st.markdown(f"_{plain(empty)}_")
        return
    st.markdown(plain(text))
