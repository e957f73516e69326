"""The scale generator moved to `portfolio.demo.scale`, beside the demo whose vocabulary it reuses; this name
stays for code written against it before the move."""

from portfolio.demo.scale import generate_scale_portfolio
from portfolio.demo.scale_use_cases import PATHS

__all__ = ["PATHS", "generate_scale_portfolio"]
