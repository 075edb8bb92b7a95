"""Rendering results for people and tools: terminal tables (rich, imported lazily), JSON and CSV,
and (later) HTML reports and charts. Renderers take plain documents built from results, so
every format shows the same numbers."""

from grandbargain.report._exchanges_table import (
    exchange_text,
    exchanges_document,
    exchanges_rows,
)
from grandbargain.report._forecast_table import anchor_text, forecast_document, forecast_rows
from grandbargain.report._render import fmt_number, rich_table, to_csv, to_json
from grandbargain.report._rounds_table import rounds_document, rounds_rows
from grandbargain.report._uncertainty_table import (
    interval_text,
    likely_anchor_text,
    uncertainty_rows,
)

__all__ = [
    "anchor_text",
    "exchange_text",
    "exchanges_document",
    "exchanges_rows",
    "fmt_number",
    "forecast_document",
    "forecast_rows",
    "interval_text",
    "likely_anchor_text",
    "rich_table",
    "rounds_document",
    "rounds_rows",
    "to_csv",
    "to_json",
    "uncertainty_rows",
]
