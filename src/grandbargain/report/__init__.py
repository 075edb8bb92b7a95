"""Rendering results for people and tools: terminal tables (rich, imported lazily), JSON and CSV,
and the analysts' report (self-contained HTML with plotly, PNG figures with matplotlib, a Markdown
brief). Renderers take plain documents built from results, so every format shows the same
numbers; plotly, matplotlib and jinja2 (the `report` extra) are imported only when drawing."""

from grandbargain.report._charts import Chart, build_charts
from grandbargain.report._document import report_document
from grandbargain.report._exchanges_table import (
    exchange_text,
    exchanges_document,
    exchanges_rows,
)
from grandbargain.report._forecast_table import anchor_text, forecast_document, forecast_rows
from grandbargain.report._render import fmt_number, rich_table, to_csv, to_json
from grandbargain.report._report_words import LANGS
from grandbargain.report._rounds_table import rounds_document, rounds_rows
from grandbargain.report._uncertainty_table import (
    interval_text,
    likely_anchor_text,
    uncertainty_rows,
)
from grandbargain.report.markdown import markdown_brief

__all__ = [
    "LANGS",
    "Chart",
    "anchor_text",
    "build_charts",
    "exchange_text",
    "exchanges_document",
    "exchanges_rows",
    "fmt_number",
    "forecast_document",
    "forecast_rows",
    "interval_text",
    "likely_anchor_text",
    "markdown_brief",
    "report_document",
    "rich_table",
    "rounds_document",
    "rounds_rows",
    "to_csv",
    "to_json",
    "uncertainty_rows",
]
