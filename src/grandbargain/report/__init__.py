"""Rendering results for people and tools: terminal tables (rich, imported lazily), JSON and CSV,
and the analysts' report (self-contained HTML with plotly, PNG figures with matplotlib, a Markdown
brief). Renderers take plain documents built from results, so every format shows the same
numbers; plotly, matplotlib and jinja2 (the `report` extra) are imported only when drawing."""

from grandbargain._lazy import lazy_names

# Each name is imported from its module on first use: `forecast` needs the tables, not the
# charts (decision BL-12).
_WHERE = {
    "Chart": "_charts", "build_charts": "_charts",
    "report_document": "_document",
    "exchange_text": "_exchanges_table", "exchanges_document": "_exchanges_table",
    "exchanges_rows": "_exchanges_table",
    "anchor_text": "_forecast_table", "forecast_document": "_forecast_table",
    "forecast_rows": "_forecast_table",
    "fmt_number": "_render", "rich_table": "_render", "to_csv": "_render", "to_json": "_render",
    "LANGS": "_report_words",
    "rounds_document": "_rounds_table", "rounds_rows": "_rounds_table",
    "interval_text": "_uncertainty_table", "likely_anchor_text": "_uncertainty_table",
    "uncertainty_rows": "_uncertainty_table",
    "markdown_brief": "markdown",
}
__getattr__, __dir__ = lazy_names(__name__, globals(), _WHERE)

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
