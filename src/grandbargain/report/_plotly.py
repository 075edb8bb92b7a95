"""Draw a `Chart` with plotly (for the HTML report). plotly is imported only here, lazily."""

from __future__ import annotations

import math
from typing import Any

from grandbargain.report._chart_spec import (
    ANCHOR_COLOUR,
    HEAT_SCALE,
    STATUS_QUO_COLOUR,
    Chart,
    Marks,
)
from grandbargain.report._text import wrap

FONT = ('system-ui, -apple-system, "Segoe UI", "Noto Sans CJK TC", "Noto Sans TC", '
        '"Microsoft JhengHei", "PingFang TC", sans-serif')
TOP_PX = 30  # room above the plot for the guides' value labels
SYMBOLS = {"circle": "circle", "diamond": "diamond", "square": "square", "cross": "x",
           "star": "star", "triangle": "triangle-up"}


#: Date ticks: "Mar 2025"; in Chinese the month over the year ("3月" / "2025年"), short
#: enough to stay level.
DATE_TICKS = {"en": "%b %Y", "zh": "%-m月\n%Y年"}

#: plotly.js's words in Traditional Chinese (the installed plotly ships no zh-TW locale): the
#: toolbar's tooltips and notices, and month and day names for dates. The page registers it
#: with `Plotly.register` and draws its Chinese charts with `locale: "zh-TW"`.
ZH_TW_LOCALE: dict[str, Any] = {
    "moduleType": "locale", "name": "zh-TW",
    "dictionary": {
        "Autoscale": "自動縮放", "Box Select": "框選", "Lasso Select": "套索選取",
        "Compare data on hover": "懸停時比較資料",
        "Show closest data on hover": "懸停時顯示最近的資料",
        "Toggle show closest data on hover": "切換懸停時顯示最近的資料",
        "Toggle Spike Lines": "切換參考線", "Double-click to zoom back out": "按兩下可縮回",
        "Double-click on legend to isolate one trace": "按兩下圖例可只顯示一個序列",
        "Download plot as a PNG": "下載圖表（PNG）", "Download plot": "下載圖表",
        "Download plot as JSON": "下載圖表（JSON）",
        "Preparing image - this may take a few seconds": "正在準備圖片，請稍候",
        "Image download succeeded": "圖片已下載", "Image": "圖片",
        "JSON download succeeded": "JSON 已下載",
        "Sorry, there was a problem downloading your image!": "抱歉，下載圖片時出錯！",
        "Sorry, there was a problem downloading your JSON file!": "抱歉，下載 JSON 時出錯！",
        "Pan": "平移", "Zoom": "縮放", "Zoom in": "放大", "Zoom out": "縮小",
        "Reset axes": "重設座標軸", "Reset view": "重設視圖", "Reset views": "重設視圖",
        "Reset": "重設", "Produced with Plotly.js": "以 Plotly.js 製作",
    },
    "format": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["週日", "週一", "週二", "週三", "週四", "週五", "週六"],
        "months": [f"{m}月" for m in range(1, 13)],
        "shortMonths": [f"{m}月" for m in range(1, 13)],
        "date": "%Y-%m-%d", "year": "%Y年", "month": "%Y年%-m月", "dayMonth": "%-m月%-d日",
        "dayMonthYear": "%Y年%-m月%-d日", "decimal": ".", "thousands": ",",
    },
}


def require_plotly():
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the HTML report needs plotly: pip install 'grandbargain[report]'"
                           ) from exc
    return go


def plotly_js() -> str:
    """The plotly.js bundle shipped inside the installed plotly package (no network)."""
    require_plotly()
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def heat_label_columns(chart: Chart, char_px: float = 6.6) -> int:
    """How many characters a heat map's column label may take per line so that neighbouring
    labels never touch (the column's width at the chart's nominal size, less a small gap)."""
    assert chart.heat is not None
    column_px = chart.plot_width / max(1, len(chart.heat.cols))
    return max(4, int((column_px - 6) / char_px))


def _br(text: str, width: int, lines: int = 3) -> str:
    return "<br>".join(wrap(text, width, lines))


def _scatter(go, marks: Marks):
    mode = "markers" if marks.kind == "bubbles" else marks.kind
    marker: dict[str, Any] = {"color": marks.colour, "symbol": SYMBOLS.get(marks.symbol)}
    if marks.size:
        marker.update(size=list(marks.size), sizemode="diameter")
    if marks.kind == "bubbles":
        marker.update(opacity=0.75, line={"width": 1, "color": "white"})
    trace: dict[str, Any] = {
        "x": list(marks.x), "y": list(marks.y), "name": marks.name, "mode": mode,
        "marker": marker, "showlegend": marks.show_legend, "cliponaxis": False,
    }
    if "lines" in mode:
        trace["line"] = {"color": marks.colour, "width": marks.width,
                         "dash": "dash" if marks.dash else "solid"}
        if marks.step:
            trace["line"]["shape"] = "hv"
    if marks.hover:
        trace.update(hovertext=list(marks.hover), hoverinfo="text")
    if marks.opacity < 1:
        trace["opacity"] = marks.opacity
    return go.Scatter(**trace)


def _band(go, marks: Marks) -> list:
    """A stacked band: an invisible trace along its base, then the top filled down to it."""
    shape = "hv" if marks.step else "linear"
    base = go.Scatter(x=list(marks.x), y=list(marks.base or ()), mode="lines",
                      line={"width": 0, "shape": shape}, hoverinfo="skip", showlegend=False)
    top = go.Scatter(x=list(marks.x), y=list(marks.y), mode="lines", name=marks.name,
                     line={"width": marks.width, "color": marks.colour, "shape": shape},
                     fill="tonexty", fillcolor=marks.colour, opacity=0.85,
                     showlegend=marks.show_legend,
                     hovertext=list(marks.hover or ()), hoverinfo="text" if marks.hover else "all")
    return [base, top]


def _labels(marks: Marks) -> list[dict[str, Any]]:
    if not marks.labels:
        return []
    offsets = marks.label_offsets or ((0.0, 0.0),) * len(marks.labels)
    colour = marks.label_colour or "#222"
    return [{"x": x, "y": y, "xref": "x", "yref": "y", "text": text, "showarrow": False,
             "xshift": dx, "yshift": dy, "font": {"size": 11, "color": colour},
             "bgcolor": "rgba(255,255,255,0.6)", "borderpad": 0}
            for x, y, text, (dx, dy) in zip(marks.x, marks.y, marks.labels, offsets,
                                            strict=True) if text]


def last_point(marks: Marks) -> tuple[Any, Any] | None:
    """The series' last point with a value (where its end label goes)."""
    return next(((x, y) for x, y in zip(reversed(marks.x), reversed(marks.y), strict=True)
                 if y is not None), None)


def _end_label(chart: Chart, marks: Marks) -> list[dict[str, Any]]:
    """The series' name just right of the plot, level with its last point (paper x = 1, so it
    stays beside the plot whatever width the page gives the chart)."""
    end = last_point(marks) if marks.end_label else None
    if end is None:
        return []
    return [{"x": 1.0, "xref": "paper", "y": end[1], "yref": "y", "xanchor": "left",
             "yanchor": "middle", "xshift": chart.end_label_gap, "yshift": marks.end_label_dy,
             "text": marks.end_label, "showarrow": False, "hovertext": marks.name,
             "font": {"size": 11, "color": marks.colour}}]


def _guides(chart: Chart) -> tuple[list[dict], list[dict]]:
    shapes, notes = [], []
    for g in chart.guides:
        sq = g.kind == "status_quo"
        colour = STATUS_QUO_COLOUR if sq else ANCHOR_COLOUR
        line = {"color": colour, "width": 2 if sq else 1, "dash": "dash" if sq else "dot"}
        font = {"size": 10, "color": colour}
        hover = g.hover or g.label
        if g.axis == "x":
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": g.value,
                           "x1": g.value, "y0": 0, "y1": 1, "line": line, "layer": "below"})
            where = ({"y": 1.0, "yanchor": "top", "xanchor": "left", "xshift": 2} if sq
                     else {"y": 1.0, "yanchor": "bottom", "xanchor": "center"})
            if g.label:
                notes.append({"x": g.value, "xref": "x", "yref": "paper", "text": g.label,
                              "showarrow": False, "font": font, "hovertext": hover, **where})
        else:
            shapes.append({"type": "line", "xref": "paper", "yref": "y", "y0": g.value,
                           "y1": g.value, "x0": 0, "x1": 1, "line": line, "layer": "below"})
            where = ({"x": 0.0, "xanchor": "left", "yanchor": "bottom"} if sq
                     else {"x": 1.0, "xanchor": "left", "yanchor": "middle", "xshift": 3})
            notes.append({"y": g.value, "yref": "y", "xref": "paper", "text": g.label,
                          "showarrow": False, "font": font, "hovertext": hover, **where})
    for r in chart.regions:
        path = "M " + " L ".join(f"{x!r},{y!r}" for x, y in r.points) + " Z"
        shapes.append({"type": "path", "xref": "x", "yref": "y", "path": path,
                       "fillcolor": r.colour, "opacity": 0.12, "line": {"width": 0},
                       "layer": "below"})
        notes.append({"x": r.label_at[0], "y": r.label_at[1], "xref": "x", "yref": "y",
                      "xanchor": "left", "yanchor": "bottom", "xshift": 4, "yshift": 4,
                      "text": r.label, "showarrow": False,
                      "font": {"size": 11, "color": r.colour}})
    return shapes, notes


def _key(chart: Chart) -> list[dict[str, Any]]:
    if not chart.key:
        return []
    below = chart.axis_px + chart.legend_px
    return [{"xref": "paper", "yref": "paper", "x": 0.0, "xshift": 8 - chart.margin_left,
             "y": -below / chart.plot_height, "xanchor": "left", "yanchor": "top",
             "align": "left", "showarrow": False, "text": "<br>".join(chart.key),
             "font": {"size": 11, "color": "#333"}}]


def figure(chart: Chart) -> dict[str, Any]:
    """The plotly figure as a JSON-ready dict ({"data": [...], "layout": {...}})."""
    go = require_plotly()
    traces = []
    if chart.heat is not None:
        h = chart.heat
        traces.append(go.Heatmap(
            z=[list(r) for r in h.z], x=[_br(c, heat_label_columns(chart), 3) for c in h.cols],
            y=list(h.rows), text=[list(r) for r in h.text], texttemplate="%{text}",
            textfont={"color": "#1d232a", "size": 12},
            hovertext=[list(r) for r in h.hover], hoverinfo="text",
            colorscale=[list(stop) for stop in HEAT_SCALE], zmin=h.zmin, zmax=h.zmax,
            hoverongaps=False, xgap=1, ygap=1,
            colorbar={"title": {"text": _br(h.colour_label, 22, 4), "side": "right"}}))
    for m in chart.marks:
        traces += _band(go, m) if m.base is not None else [_scatter(go, m)]
    shapes, notes = _guides(chart)
    for m in chart.marks:
        notes += _labels(m) + _end_label(chart, m)
    notes += _key(chart)
    left, right, _, bottom = chart.margins
    top = TOP_PX if chart.guides else 16
    # The title is the HTML heading above the chart (it wraps with the page); the figure keeps
    # it as `meta` for tools that read the figure alone.
    layout: dict[str, Any] = {
        "meta": {"title": chart.title, "id": chart.id},
        "height": top + chart.plot_height + bottom, "font": {"family": FONT, "size": 12},
        "margin": {"l": left, "r": right, "t": top, "b": bottom},
        "shapes": shapes, "annotations": notes,
        "xaxis": {"title": {"text": chart.x_label, "standoff": 6}, "zeroline": False},
        "yaxis": {"title": {"text": chart.y_label}, "zeroline": False},
        "showlegend": chart.legend,
        "legend": {"orientation": "h", "y": -(chart.axis_px - 4) / chart.plot_height, "x": 0,
                   "yanchor": "top", "font": {"size": 11},
                   "entrywidth": 1.0 / chart.legend_columns, "entrywidthmode": "fraction"},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "hovermode": "closest",
    }
    for axis in ("xaxis", "yaxis"):
        layout[axis].update(showgrid=True, gridcolor="#eeeeee", linecolor="#444",
                            showline=True, ticks="outside")
    if chart.x_range:
        layout["xaxis"]["range"] = list(chart.x_range)
    if chart.y_range:
        layout["yaxis"]["range"] = list(chart.y_range)
    if chart.x_dates:
        layout["xaxis"].update(type="date", tickangle=0,
                               tickformat=DATE_TICKS.get(chart.date_labels, "%b %Y"))
    if chart.x_whole:
        layout["xaxis"].update(tickformat="d", dtick=1 if (chart.x_range or (0, 10))[1] <= 16
                               else None)
    if chart.y_categories:
        layout["yaxis"].update(type="category", categoryorder="array",
                               categoryarray=list(reversed(chart.y_categories)),
                               range=[-0.6, len(chart.y_categories) - 0.4])
    if chart.heat is not None:
        layout["yaxis"].update(autorange="reversed", showgrid=False, ticks="")
        layout["xaxis"].update(showgrid=False, tickangle=0, ticks="", tickfont={"size": 11})
    fig = go.Figure(data=traces, layout=layout)
    out = _clean(fig.to_plotly_json())
    # plotly.py's default template (about 7 kB a figure) repeats what the layout already sets;
    # without it plotly.js draws with its own plain defaults.
    out["layout"].pop("template", None)
    return out


def _clean(value: Any) -> Any:
    """numpy values and NaN into plain JSON (None for missing)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "tolist"):
        return _clean(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
