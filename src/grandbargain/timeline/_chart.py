"""The replay as a PNG: per issue, the status quo (steps) and each model's forecast over time,
with the event dates marked. matplotlib is imported only when a chart is drawn."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

COLOURS = ("#c0392b", "#2980b9", "#16a085", "#8e44ad", "#e67e22", "#7f8c8d")


def timeline_png(document: dict[str, Any], path: Path) -> None:
    """Draw `replay_document`'s steps; raises RuntimeError when matplotlib is missing."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise RuntimeError("the chart needs matplotlib: pip install 'grandbargain[report]'"
                           ) from None
    steps = list(document["steps"])
    days = [date.fromisoformat(s["date"]) for s in steps]
    end = date.fromisoformat(document["timeline"]["as_of"])
    if end > days[-1]:  # the last values hold to the file's as_of
        steps.append(steps[-1])
        days.append(end)
    issues = list(steps[0]["status_quo"])
    columns = 3
    rows = math.ceil(len(issues) / columns)
    fig = Figure(figsize=(11, 2.4 * rows), dpi=100)
    axes = fig.subplots(rows, columns, squeeze=False, sharex=True)
    for k, issue in enumerate(issues):
        ax = axes[k // columns][k % columns]
        for day in days[1:len(document["steps"])]:
            ax.axvline(day, color="#dddddd", linewidth=0.6, zorder=0)
        status = [s["status_quo"][issue] for s in steps]
        ax.step(days, [math.nan if v is None else v for v in status], where="post",
                color="black", linewidth=1.4, label="status quo")
        for colour, model in zip(COLOURS, document["models"], strict=False):
            values = [s["forecasts"][model][issue] for s in steps]
            ax.step(days, [math.nan if v is None else v for v in values], where="post",
                    color=colour, linewidth=1.0, label=model)
        ax.set_title(issue, fontsize=9)
        ax.tick_params(labelsize=7)
    for k in range(len(issues), rows * columns):
        axes[k // columns][k % columns].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    fig.suptitle(f"{document['timeline']['title']}: status quo and forecasts "
                 f"(grey lines: event dates)", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    fig.savefig(path)
