"""Bringing an existing inventory in: reading CSV and Excel files, proposing how their columns and stage
words map onto the portfolio, and planning an import (the dry run) without touching the database."""
