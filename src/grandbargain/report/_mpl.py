"""Draw a `Chart` with matplotlib, for static PNG figures. matplotlib is imported only here.

Sizes follow the chart's nominal pixels (1 px = 1/100 inch, so 1 px = 0.72 pt), which keeps
the label offsets computed by `_layout` right. Chinese text needs a CJK font: `cjk_font()`
finds one that matplotlib knows, or registers an installed Noto/Source Han/WenQuanYi file by
its path (a font installed after matplotlib built its font cache).
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

from grandbargain.report._chart_spec import (
    ANCHOR_COLOUR,
    HEAT_SCALE,
    STATUS_QUO_COLOUR,
    Chart,
    Marks,
)
from grandbargain.report._text import wrap

PT = 0.72  # points per nominal pixel
BASE_FONT = "DejaVu Sans"
CJK_FAMILIES = ("Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", "Noto Sans CJK HK",
                "Noto Sans CJK JP", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback",
                "Noto Serif CJK TC", "AR PL UMing TW")
CJK_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
             "/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSans*CJK*.otf",
             "/usr/share/fonts/**/SourceHanSans*.otf", "/usr/share/fonts/**/SourceHanSans*.ttc",
             "/usr/share/fonts/**/wqy-*.ttc", "/usr/share/fonts/**/DroidSansFallback*.ttf",
             "/Library/Fonts/*CJK*", "C:/Windows/Fonts/msjh.ttc")
MARKERS = {"circle": "o", "diamond": "D", "square": "s", "cross": "X", "star": "*",
           "triangle": "^"}
INSTALL_HINT = "the PNG figures need matplotlib: pip install 'grandbargain[report]'"
FONT_HINT = ("no CJK font found for Chinese labels; install one (Debian/Ubuntu: "
             "apt-get install fonts-noto-cjk)")


def require_matplotlib():
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(INSTALL_HINT) from exc
    return matplotlib, Figure


def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or None if none is installed."""
    require_matplotlib()
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    family = known()
    if family and _has_bold(family):
        return family
    for pattern in CJK_FILES:
        for path in sorted(glob.glob(pattern, recursive=True)):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return known()


def _has_bold(family: str) -> bool:
    from matplotlib import font_manager

    return any(f.name == family and f.weight in ("bold", 700, "heavy", 800, 900)
               for f in font_manager.fontManager.ttflist)


def title_weight(lang: str) -> str:
    """Bold titles, unless the Chinese page has no bold CJK face (then every title is regular,
    so Latin and Chinese never mix weights)."""
    if lang != "zh":
        return "bold"
    family = cjk_font()
    return "bold" if family and _has_bold(family) else "normal"


def font_families(lang: str) -> list[str]:
    """Latin text in DejaVu Sans; CJK characters fall back to the CJK font (matplotlib >= 3.6)."""
    if lang != "zh":
        return [BASE_FONT]
    family = cjk_font()
    if family is None:
        raise RuntimeError(FONT_HINT)
    return [BASE_FONT, family]


def _rc(lang: str) -> dict[str, Any]:
    return {"font.family": font_families(lang), "font.size": 8.5, "axes.titlesize": 10,
            "axes.labelsize": 8.6, "xtick.labelsize": 7.6, "ytick.labelsize": 7.6,
            "axes.unicode_minus": False, "svg.fonttype": "none"}


TITLE_PT = 10.5
SOURCE_PT = 7.0


PNG_DPI = 150


def _text_width_px(text: str, size: float, weight: str) -> float:
    """Width of one line of text in figure pixels (1 px = 1/100 inch), measured by drawing it
    with the fonts in effect (font fallback included, as in the real figure) at the PNG's
    resolution: hinting makes text a few per cent wider at 150 dpi than at 100."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1), dpi=PNG_DPI)
    renderer = FigureCanvasAgg(fig).get_renderer()
    label = fig.text(0, 0, text, fontsize=size, fontweight=weight)
    return float(label.get_window_extent(renderer).width) * 100 / PNG_DPI


def fit_lines(text: str, size: float, weight: str, width_px: float, max_lines: int = 3
              ) -> list[str]:
    """Wrap text to the fewest columns' reduction that makes every line fit `width_px`
    (measured, not estimated), at most `max_lines` lines (the last shortened if need be)."""
    columns = max(8, int(width_px / (size * 0.45)))
    while True:
        lines = wrap(text, columns, max_lines)
        if all(_text_width_px(line, size, weight) <= width_px for line in lines) or columns <= 8:
            return lines
        columns -= 3


def _title_lines(chart: Chart, weight: str = "bold") -> list[str]:
    return fit_lines(chart.title, TITLE_PT, weight, chart.width - 16, 3)


def _foot_lines(chart: Chart) -> list[str]:
    """Under the chart: the legend table (short label = full name; what the scale's ends
    mean) and the source/method line."""
    lines = []
    room = chart.width - 16
    for row in chart.legend_table:
        short, full, *ends = row
        text = f"{short} = {full}" if short != full else full
        if ends:
            text += ": " + " … ".join(ends)
        lines += fit_lines(text, SOURCE_PT, "normal", room, 2)
    if chart.source:
        lines += fit_lines(chart.source, SOURCE_PT, "normal", room, 3)
    return lines


def draw(chart: Chart, lang: str = "en"):
    """The matplotlib Figure for a chart (not yet saved)."""
    matplotlib, Figure = require_matplotlib()
    with matplotlib.rc_context(_rc(lang)):
        return _draw(chart, Figure, title_weight(lang))


def _draw(chart: Chart, Figure, weight: str = "bold"):
    left, _right, _, bottom = chart.margins
    title_lines = _title_lines(chart, weight)
    foot = _foot_lines(chart)
    foot_px = 13 * len(foot) + (8 if foot else 0)
    bottom += foot_px
    top = 12 + 18 * len(title_lines) + (22 if chart.guides else 8)
    width, height = chart.width, top + chart.plot_height + bottom
    fig = Figure(figsize=(width / 100, height / 100), dpi=100)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((left / width, bottom / height, chart.plot_width / width,
                       chart.plot_height / height))
    fig.text(8 / width, 1 - 8 / height, "\n".join(title_lines), ha="left", va="top",
             fontsize=TITLE_PT, fontweight=weight, gid="title")
    if foot:
        fig.text(8 / width, (foot_px - 4) / height, "\n".join(foot), ha="left", va="top",
                 fontsize=SOURCE_PT, color="#555555", linespacing=1.3, gid="source")
    if chart.heat is not None:
        _heat(fig, ax, chart)
    categories = {c: len(chart.y_categories) - 1 - k
                  for k, c in enumerate(chart.y_categories or ())}
    for marks in chart.marks:
        _marks(ax, marks, categories, chart)
    _guides(ax, chart)
    for r in chart.regions:
        ax.add_patch(_region_patch(r.points, r.colour))
        ax.annotate(r.label, r.label_at, xytext=(4 * PT, 4 * PT), textcoords="offset points",
                    ha="left", va="bottom", color=r.colour, fontsize=8)
    if chart.x_range:
        ax.set_xlim(*(_x(v, chart) for v in chart.x_range))
    if chart.y_range:
        ax.set_ylim(*chart.y_range)
    if chart.x_dates:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator(maxticks=7)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator) if chart.date_labels != "zh"
                                     else _chinese_dates())
    if chart.x_whole:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if categories:
        ax.set_yticks(list(categories.values()), list(categories.keys()))
        ax.set_ylim(-0.6, len(categories) - 0.4)
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    if chart.heat is None:
        ax.grid(True, color="#eeeeee", lw=0.8, zorder=0)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    shown = chart.legend_entries
    if shown:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -(chart.axis_px - 4) / chart.plot_height),
                  ncol=chart.legend_columns, frameon=False, fontsize=7.6, markerscale=0.5,
                  columnspacing=2.0, handletextpad=0.4)
    if chart.key:
        below = chart.axis_px + chart.legend_px
        fig.text(8 / width, (bottom - below) / height, "\n".join(chart.key), ha="left",
                 va="top", fontsize=7.6, color="#333333", linespacing=1.35)
    return fig


def _chinese_dates():
    """Date ticks as Chinese readers write them: the month ("3月"), with the year on the first
    tick and on each January ("2025年1月"); no English month names."""
    from matplotlib.dates import num2date
    from matplotlib.ticker import FuncFormatter

    def label(value, position):
        day = num2date(value)
        month = f"{day.month}月" if day.day == 1 else f"{day.month}月{day.day}日"
        return f"{day.year}年{month}" if position == 0 or day.month == 1 else month

    return FuncFormatter(label)


def _region_patch(points, colour):
    from matplotlib.patches import Polygon

    return Polygon(list(points), closed=True, color=colour, alpha=0.12, lw=0, zorder=0)


def _x(value, chart: Chart):
    """x in data coordinates: ISO dates become dates on a date axis."""
    if chart.x_dates and isinstance(value, str):
        from datetime import date

        return date.fromisoformat(value)
    return value


def _marks(ax, marks: Marks, categories: dict[str, int], chart: Chart) -> None:
    ys = [categories[y] if isinstance(y, str) else y for y in marks.y]
    xs = [_x(v, chart) for v in marks.x]
    label = marks.name if marks.show_legend else None
    if marks.base is not None:
        ax.fill_between(xs, list(marks.base), ys, step="post" if marks.step else None,
                        color=marks.colour, alpha=0.85, lw=0, label=label, zorder=2)
    elif marks.kind in ("bubbles", "markers"):
        scale = {"diamond": 0.75, "star": 1.5}.get(marks.symbol, 1.0)
        sizes = [(d * PT * scale) ** 2
                 for d in (marks.size or (10.0,) * len(xs))]
        ax.scatter(xs, ys, s=sizes, c=marks.colour, marker=MARKERS.get(marks.symbol, "o"),
                   alpha=0.75 if marks.kind == "bubbles" else 1.0, edgecolors="white",
                   linewidths=0.8, label=label, zorder=3)
    else:
        style = "--" if marks.dash else "-"
        marker = "o" if "markers" in marks.kind else None
        plot = ax.step if marks.step else ax.plot
        extra = {"where": "post"} if marks.step else {}
        plot(xs, [float("nan") if y is None else y for y in ys], style, color=marks.colour,
                lw=marks.width * PT, marker=marker, ms=(marks.size or (6.0,))[0] * PT,
                label=label, alpha=marks.opacity, solid_capstyle="butt",
                zorder=2 if marks.width < 2 else 3, **extra)
    if marks.labels:
        offsets = marks.label_offsets or ((0.0, 0.0),) * len(marks.labels)
        for x, y, text, (dx, dy) in zip(xs, ys, marks.labels, offsets, strict=True):
            if not text:
                continue
            ax.annotate(text, (x, y), xytext=(dx * PT, dy * PT), textcoords="offset points",
                        ha="center", va="center", fontsize=7.6,
                        color=marks.label_colour or "#222222", zorder=4, gid="label",
                        bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none",
                              "alpha": 0.6})
    if marks.end_label:
        _end_label(ax, marks, chart)


def _end_label(ax, marks: Marks, chart: Chart) -> None:
    """The series' name just right of the plot, level with its last point, in its colour."""
    from matplotlib.transforms import blended_transform_factory

    from grandbargain.report._plotly import last_point

    end = last_point(marks)
    if end is None:
        return
    where = blended_transform_factory(ax.transAxes, ax.transData)
    ax.annotate(marks.end_label, (1.0, end[1]), xycoords=where,
                xytext=(chart.end_label_gap * PT, marks.end_label_dy * PT),
                textcoords="offset points", ha="left", va="center", fontsize=7.6,
                color=marks.colour, annotation_clip=False, gid="end-label")


def _guides(ax, chart: Chart) -> None:
    from matplotlib.transforms import blended_transform_factory

    for g in chart.guides:
        sq = g.kind == "status_quo"
        colour = STATUS_QUO_COLOUR if sq else ANCHOR_COLOUR
        style = {"color": colour, "lw": 1.4 if sq else 0.8, "ls": "--" if sq else ":",
                 "zorder": 1}
        if g.axis == "x":
            ax.axvline(_x(g.value, chart), **style)
            if not g.label:
                continue
            where = blended_transform_factory(ax.transData, ax.transAxes)
            if sq:
                ax.text(_x(g.value, chart), 0.99, " " + g.label, transform=where, ha="left",
                        va="top", fontsize=7.2, color=colour, gid="guide")
            else:
                ax.text(_x(g.value, chart), 1.01, g.label, transform=where, ha="center",
                        va="bottom", fontsize=7.2, color=colour, gid="guide")
        else:
            ax.axhline(g.value, **style)
            where = blended_transform_factory(ax.transAxes, ax.transData)
            if sq:
                ax.text(0.01, g.value, g.label, transform=where, ha="left", va="bottom",
                        fontsize=7.2, color=colour, gid="guide")
            else:
                ax.text(1.01, g.value, g.label, transform=where, ha="left", va="center",
                        fontsize=7.2, color=colour, gid="guide")


def _heat(fig, ax, chart: Chart) -> None:
    import numpy as np
    from matplotlib.colors import LinearSegmentedColormap

    h = chart.heat
    assert h is not None
    z = np.array([[np.nan if v is None else v for v in row] for row in h.z], dtype=float)
    cmap = LinearSegmentedColormap.from_list("grandbargain", list(HEAT_SCALE)).with_extremes(
        bad="white")
    image = ax.imshow(np.ma.masked_invalid(z), cmap=cmap, vmin=h.zmin, vmax=h.zmax,
                      aspect="auto", interpolation="nearest")
    for r, row in enumerate(h.text):
        for c, text in enumerate(row):
            if text:
                ax.text(c, r, text, ha="center", va="center", fontsize=7.6, color="#1d232a")
    from grandbargain.report._plotly import heat_label_columns

    columns = heat_label_columns(chart, char_px=5.6)
    ax.set_xticks(range(len(h.cols)), ["\n".join(wrap(c, columns, 3)) for c in h.cols],
                  fontsize=6.8)
    ax.set_yticks(range(len(h.rows)), list(h.rows))
    ax.tick_params(length=0)
    left, _, _, bottom = chart.margins
    width = chart.width
    height = fig.get_figheight() * 100
    cax = fig.add_axes(((left + chart.plot_width + 12) / width, bottom / height, 14 / width,
                        chart.plot_height / height))
    bar = fig.colorbar(image, cax=cax)
    bar.set_label("\n".join(wrap(h.colour_label, 40, 2)), fontsize=7.6)


def save_png(chart: Chart, path: Path, lang: str = "en", dpi: int = PNG_DPI) -> Path:
    """Render the chart and write it as a PNG (deterministic metadata)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = draw(chart, lang)
    FigureCanvasAgg(fig)
    matplotlib, _ = require_matplotlib()
    with matplotlib.rc_context(_rc(lang)):
        fig.savefig(path, dpi=dpi, facecolor="white", metadata={"Software": None})
    return path
