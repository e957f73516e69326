"""The demo organisation as data files (`data/`, read by `content`), the loader that writes it through the
services (`loader`), and the scale generator that reuses its vocabulary for large portfolios (`scale`)."""

from portfolio.demo.loader import load_demo

__all__ = ["load_demo"]
