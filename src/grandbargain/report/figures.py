"""Static PNG figures of the report (matplotlib), one file per chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grandbargain.report._charts import build_charts
from grandbargain.report._mpl import save_png


def write_pngs(doc: dict[str, Any], directory: Path, dpi: int = 150) -> list[Path]:
    """Draw every chart of a report document into `directory` as `<chart id>.png`."""
    directory.mkdir(parents=True, exist_ok=True)
    lang = doc["lang"]
    return [save_png(chart, directory / f"{chart.id}.png", lang, dpi)
            for chart in build_charts(doc)]
