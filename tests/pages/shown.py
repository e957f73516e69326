"""Reading a page's Markdown source as a person sees it: typed text and messages are escaped for Markdown
(portfolio/ui/text.py), so a backslash before punctuation is not shown."""

import re


def as_shown(source: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)
