"""Charts as plain data, built from the report document alone (no plotting library here).

A `Chart` names its title, both axes (with units) and carries marks (points, lines, bubbles,
error bars), guides (the status quo and the anchors, labelled), shaded regions and at most one
heat map. Two renderers draw the same `Chart`: `_plotly.py` for the HTML report and `_mpl.py`
for the PNG figures, so both show the same numbers with the same labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grandbargain.report._i18n import group_name, shorten, word, wrap
from grandbargain.report._layout import label_width, place_labels

GROUP_COLOURS = {"us": "#1f5fa8", "china": "#c0392b"}
#: Okabe-Ito, readable by colour-blind readers.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
           "#F0E442")
STATUS_QUO_COLOUR = "#d62728"
ANCHOR_COLOUR = "#8c8c8c"


@dataclass(frozen=True)
class Marks:
    """One series. `kind`: "markers", "lines", "lines+markers" or "bubbles".

    `size` is the marker diameter in pixels; `label_offsets` place each label (dx, dy) pixels
    from its point (y up), as computed by `_layout.place_labels`.
    """

    name: str
    x: tuple[Any, ...]
    y: tuple[Any, ...]
    kind: str = "markers"
    colour: str = PALETTE[0]
    size: tuple[float, ...] | None = None
    labels: tuple[str, ...] | None = None
    label_offsets: tuple[tuple[float, float], ...] | None = None
    hover: tuple[str, ...] | None = None
    error: tuple[tuple[float | None, float | None] | None, ...] | None = None
    symbol: str = "circle"
    dash: bool = False
    width: float = 2.0
    show_legend: bool = True


@dataclass(frozen=True)
class Guide:
    """A reference line across the plot at `value` on `axis` ("x" or "y"), with a short label
    at the plot's edge; the full text is in the chart's key and in `hover`."""

    axis: str
    value: float
    label: str
    kind: str  # "status_quo" or "anchor"
    hover: str = ""


@dataclass(frozen=True)
class Region:
    """A shaded rectangle (None = open to the axis end) with a label."""

    x0: float | None
    x1: float | None
    y0: float | None
    y1: float | None
    label: str
    colour: str = "#2ca02c"


@dataclass(frozen=True)
class Heat:
    """A heat map: z[row][col] (None = empty), with the text shown in each cell."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    z: tuple[tuple[float | None, ...], ...]
    text: tuple[tuple[str, ...], ...]
    hover: tuple[tuple[str, ...], ...]
    colour_label: str
    zmin: float = 0.0
    zmax: float = 100.0


#: Light-to-mid sequential colours (after ColorBrewer YlGnBu), dark text stays readable on all.
HEAT_SCALE = ((0.0, "#ffffd9"), (0.25, "#c7e9b4"), (0.5, "#7fcdbb"), (0.75, "#41b6c4"),
              (1.0, "#2c7fb8"))

WIDTH = 600          # nominal width (px) of the per-issue charts; the PNGs use it too
MARGIN = (84, 28, 60)  # left, right, top (px)
AXIS_PX = 50         # x tick labels and axis title under the plot
LEGEND_PX = 26
KEY_LINE_PX = 15
KEY_COLUMNS = 86


@dataclass(frozen=True)
class Chart:
    """One chart. Sizes are nominal pixels; `key` lines are printed under the plot, inside the
    figure (the anchors and the status quo spelled out)."""

    id: str
    title: str
    x_label: str
    y_label: str
    marks: tuple[Marks, ...] = ()
    guides: tuple[Guide, ...] = ()
    regions: tuple[Region, ...] = ()
    heat: Heat | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    y_categories: tuple[str, ...] | None = None
    x_whole: bool = False  # x ticks at whole numbers only (rounds)
    key: tuple[str, ...] = ()
    note: str = ""
    legend: bool = True
    plot_height: int = 280
    width: int = WIDTH
    margin_left: int = MARGIN[0]
    margin_right: int = MARGIN[1]
    axis_px: int = AXIS_PX

    @property
    def margins(self) -> tuple[int, int, int, int]:
        """(left, right, top, bottom) in pixels."""
        bottom = self.axis_px + self.legend_px + KEY_LINE_PX * len(self.key) \
            + (8 if self.key else 0)
        return (self.margin_left, self.margin_right, MARGIN[2], bottom)

    @property
    def legend_entries(self) -> list[Marks]:
        return [m for m in self.marks if m.show_legend] if self.legend else []

    @property
    def legend_px(self) -> int:
        """Room for the legend: rows of entries laid out left to right under the axis."""
        entries = self.legend_entries
        if not entries:
            return 0
        rows, used = 1, 0.0
        available = self.width - self.margin_left - MARGIN[1]
        for m in entries:
            need = label_width(m.name) + 48
            if used and used + need > available:
                rows, used = rows + 1, 0.0
            used += need
        return LEGEND_PX * rows

    @property
    def height(self) -> int:
        _, _, top, bottom = self.margins
        return top + self.plot_height + bottom

    @property
    def plot_width(self) -> int:
        left, right, _, _ = self.margins
        return self.width - left - right


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pad(low: float, high: float, share: float = 0.03) -> tuple[float, float]:
    span = high - low or 1.0
    return (low - share * span, high + share * span)


def issue_guides(issue: dict[str, Any], axis: str, lang: str) -> tuple[Guide, ...]:
    """The status quo and every anchor of an issue, as guides labelled with their value."""
    guides = [Guide(axis, a["value"], _fmt(a["value"]), "anchor", a["label"])
              for a in issue["anchors"]]
    if issue["status_quo"] is not None:
        guides.append(Guide(axis, issue["status_quo"],
                            f"{word('sq_short', lang)} {_fmt(issue['status_quo'])}",
                            "status_quo", issue.get("status_quo_note", "")))
    return tuple(guides)


def issue_key(issue: dict[str, Any], lang: str) -> tuple[str, ...]:
    """The anchors and the status quo in words, wrapped to lines for under the chart."""
    parts = [f"{_fmt(a['value'])} = {a['label']}" for a in issue["anchors"]]
    lines = wrap(f"{word('anchors', lang)}: " + "; ".join(parts), KEY_COLUMNS, 6) if parts else []
    if issue["status_quo"] is not None:
        sq = f"{word('status_quo', lang)} {_fmt(issue['status_quo'])}"
        if issue.get("status_quo_note"):
            sq += f": {issue['status_quo_note']}"
        lines += wrap(sq, KEY_COLUMNS, 2)
    return tuple(lines)


def _unit_axis(issue: dict[str, Any], lang: str) -> str:
    low, high = issue["scale"]
    unit = f"{issue['unit']}, " if issue["unit"] else ""
    return f"{word('position', lang)} ({unit}{_fmt(low)}–{_fmt(high)})"


def _to_px(value: float, span: tuple[float, float], size: float) -> float:
    return (value - span[0]) / ((span[1] - span[0]) or 1.0) * size


def heat_map(doc: dict[str, Any]) -> Chart:
    """Actors (rows) by issues (columns); colour = position as a share of the issue's scale."""
    lang = doc["lang"]
    scenario = doc["scenario"]
    actors = scenario["actors"]
    issues = scenario["issues"]
    sq_label = word("status_quo", lang)
    rows = (sq_label, *(shorten(a["name"], 34) for a in actors))
    cols = tuple(shorten(i["name"], 44) for i in issues)
    z, text, hover = [], [], []
    for actor in [None, *actors]:
        zr, tr, hr = [], [], []
        for issue in issues:
            low, high = issue["scale"]
            if actor is None:
                value, extra = issue["status_quo"], issue.get("status_quo_note", "")
            else:
                st = next((s for s in issue["stances"] if s["actor"] == actor["id"]), None)
                value = None if st is None else st["position"]
                extra = "" if st is None else \
                    f"{word('salience', lang)}: {_fmt(st['salience'])}"
            if value is None:
                zr.append(None)
                tr.append("")
                hr.append("")
                continue
            zr.append(100.0 * (value - low) / (high - low))
            tr.append(_fmt(value))
            who = sq_label if actor is None else actor["name"]
            hr.append(f"{who}<br>{issue['name']}<br>{word('position', lang)}: {_fmt(value)} "
                      f"{issue['unit']} ({_fmt(low)}–{_fmt(high)})<br>{extra}")
        z.append(tuple(zr))
        text.append(tuple(tr))
        hover.append(tuple(hr))
    heat = Heat(rows, cols, tuple(z), tuple(text), tuple(hover), word("heat_colour", lang))
    return Chart("heatmap", word("heat_title", lang), word("issue", lang), word("actor", lang),
                 heat=heat, note=word("heat_note", lang), legend=False,
                 plot_height=34 * len(rows), width=1200, margin_left=250, margin_right=130,
                 axis_px=100)


def positions_chart(doc: dict[str, Any], issue: dict[str, Any]) -> Chart:
    """Bubble chart: position (x) against capability × salience (y), area ∝ capability."""
    lang = doc["lang"]
    actors = {a["id"]: a for a in doc["scenario"]["actors"]}
    stances = issue["stances"]
    top = max((s["weight"] for s in stances), default=1.0) or 1.0
    biggest = max((s["capability"] for s in stances), default=1.0) or 1.0
    x_range, y_range = _pad(*issue["scale"], share=0.06), (0.0, top * 1.2)
    key = issue_key(issue, lang)
    shell = Chart("", "", "", "", key=key)
    diameters = [max(6.0, 44.0 * (s["capability"] / biggest) ** 0.5) for s in stances]
    names = [shorten(actors[s["actor"]]["name"], 22) for s in stances]
    offsets = place_labels(
        [(_to_px(s["position"], x_range, shell.plot_width),
          _to_px(s["weight"], y_range, shell.plot_height)) for s in stances],
        [d / 2 for d in diameters], names, shell.plot_width, shell.plot_height)
    marks = []
    groups: dict[str, list[int]] = {}  # group id ("-" for none) -> stance indices
    for k, s in enumerate(stances):
        groups.setdefault(actors[s["actor"]]["group"] or "-", []).append(k)
    for g, (group, members) in enumerate(groups.items()):
        colour = GROUP_COLOURS.get(group, PALETTE[(g + 2) % len(PALETTE)])
        marks.append(Marks(
            name=word("actor", lang) if group == "-" else group_name(group, lang),
            kind="bubbles", colour=colour, show_legend=len(groups) > 1,
            x=tuple(stances[k]["position"] for k in members),
            y=tuple(stances[k]["weight"] for k in members),
            size=tuple(diameters[k] for k in members),
            labels=tuple(names[k] for k in members),
            label_offsets=tuple(offsets[k] for k in members),
            hover=tuple(_stance_hover(actors, stances[k], issue, lang) for k in members)))
    return Chart(f"positions-{issue['id']}", f"{word('bubble_title', lang)}: {issue['name']}",
                 _unit_axis(issue, lang), word("weight_axis", lang), marks=tuple(marks),
                 guides=issue_guides(issue, "x", lang), x_range=x_range, y_range=y_range,
                 key=key, note=word("bubble_note", lang))


def _stance_hover(actors: dict[str, Any], st: dict[str, Any], issue: dict[str, Any],
                  lang: str) -> str:
    return (f"{actors[st['actor']]['name']}<br>{word('position', lang)}: {_fmt(st['position'])} "
            f"{issue['unit']}<br>{word('salience', lang)}: {_fmt(st['salience'])}<br>"
            f"{word('capability', lang)}: {_fmt(st['capability'])}")


def forecasts_chart(doc: dict[str, Any], issue: dict[str, Any]) -> Chart:
    """Each model's forecast on the issue's scale, with its interval when draws were run."""
    lang = doc["lang"]
    forecast = next(i for i in doc["forecast"]["issues"] if i["id"] == issue["id"])
    models = doc["forecast"]["models"]
    intervals = _intervals(doc, issue["id"])
    marks = []
    for k, model in enumerate(models):
        name = model["name"]
        value = forecast["forecasts"][name]
        if value is None:
            continue
        interval = intervals.get(name)
        hover = (f"{model['label']}<br>{word('forecast', lang)}: {_fmt(value, 2)} "
                 f"{issue['unit']}<br>{word('nearest_anchor', lang)}: "
                 f"{forecast['nearest_anchor'][name]}")
        if interval:
            hover += f"<br>{word('interval', lang)}: {_fmt(interval[0], 2)}–{_fmt(interval[1], 2)}"
        marks.append(Marks(name=name, x=(value,), y=(name,), colour=PALETTE[k % len(PALETTE)],
                           size=(13.0,), labels=(_fmt(value),), label_offsets=((0.0, 13.0),),
                           hover=(hover,), error=(interval,) if interval else None,
                           symbol="diamond", show_legend=False))
    return Chart(f"forecasts-{issue['id']}", f"{word('forecast_title', lang)}: {issue['name']}",
                 _unit_axis(issue, lang), word("model", lang), marks=tuple(marks),
                 guides=issue_guides(issue, "x", lang), x_range=_pad(*issue["scale"]),
                 y_categories=tuple(m["name"] for m in models), key=issue_key(issue, lang),
                 note=word("forecast_note", lang), legend=False,
                 plot_height=40 + 36 * len(models),
                 margin_left=int(44 + max((label_width(m["name"]) for m in models),
                                          default=40)))


def _intervals(doc: dict[str, Any], issue_id: str) -> dict[str, tuple[float, float]]:
    """Each model's 90% interval (5%-95% of the draws) when `--draws` was run: the `intervals`
    that `forecast --draws` adds to the forecast document."""
    issue = next(i for i in doc["forecast"]["issues"] if i["id"] == issue_id)
    return {m: (v["q05"], v["q95"]) for m, v in issue.get("intervals", {}).items()
            if v.get("q05") is not None and v.get("q95") is not None}


def trajectory_chart(doc: dict[str, Any], issue: dict[str, Any]) -> Chart | None:
    """The expected-utility rounds on one issue: median, mean and each actor's path (from the
    `grandbargain rounds` documents embedded in the report)."""
    lang = doc["lang"]
    section = doc["sections"]["trajectories"]
    runs = next(i["runs"] for i in section["issues"] if i["id"] == issue["id"])
    if not runs:
        return None
    marks = []
    first = next(iter(runs.values()))
    for actor in first["actors"]:
        path = tuple(r["positions"][actor["id"]] for r in first["rounds"])
        marks.append(Marks(name=actor["name"], x=tuple(range(len(path))), y=path, kind="lines",
                           colour="#b8b8b8", width=1.0, show_legend=False,
                           hover=tuple(f"{actor['name']}: {_fmt(v, 2)}" for v in path)))
    for k, (model, run) in enumerate(runs.items()):
        colour = PALETTE[k % len(PALETTE)]
        rounds = tuple(r["round"] for r in run["rounds"])
        marks.append(Marks(name=f"{model}: {word('median', lang)}", x=rounds,
                           y=tuple(r["median"] for r in run["rounds"]), kind="lines+markers",
                           colour=colour, width=3.0, size=(6.0,) * len(rounds)))
        marks.append(Marks(name=f"{model}: {word('mean', lang)}", x=rounds,
                           y=tuple(r["mean"] for r in run["rounds"]), kind="lines",
                           colour=colour, dash=True))
    longest = max(len(r["rounds"]) for r in runs.values())
    return Chart(f"trajectory-{issue['id']}",
                 f"{word('trajectory_title', lang)}: {issue['name']}", word("round", lang),
                 _unit_axis(issue, lang), marks=tuple(marks),
                 guides=issue_guides(issue, "y", lang), x_range=(-0.3, longest - 0.7), x_whole=True,
                 y_range=_pad(*issue["scale"]), key=issue_key(issue, lang),
                 note=word("trajectory_note", lang))


def build_charts(doc: dict[str, Any]) -> list[Chart]:
    """Every chart of the report, in page order."""
    charts = [heat_map(doc)]
    issues = doc["scenario"]["issues"]
    charts += [positions_chart(doc, issue) for issue in issues]
    charts += [forecasts_chart(doc, issue) for issue in issues]
    if doc["sections"]["trajectories"]["status"] == "ok":
        charts += [c for c in (trajectory_chart(doc, issue) for issue in issues) if c]
    return charts
