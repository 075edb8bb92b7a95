"""The report's charts that support the bottom line and follow time: the Nash package against
no deal, the timeline replay (forecasts and status quo per issue as events happened, issue 15)
and the tariff stack (layers by legal basis over time, issue 16). Plain `Chart` data, drawn by
both renderers like every other chart."""

from __future__ import annotations

from typing import Any

from grandbargain.report._chart_spec import MARGIN, PALETTE, Chart, Guide, Marks
from grandbargain.report._layout import LINE_PX, label_width
from grandbargain.report._report_words import word
from grandbargain.report._text import shorten

TARIFF_COLOURS = ("#c0392b", "#e67e22", "#2980b9", "#16a085", "#8e44ad", "#7f8c8d", "#d35400",
                  "#27ae60", "#2c3e50", "#b7950b")


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def dodge(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Shift 1-D label positions (pixels) apart so that neighbours are at least `gap` apart,
    keeping them within [low, high] and close to where they were; returns the new positions."""
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda k: positions[k])
    placed = [positions[k] for k in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    overflow = placed[-1] - high
    if overflow > 0:
        placed = [p - overflow for p in placed]
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    placed = [max(p, low) for p in placed]
    out = [0.0] * len(positions)
    for k, p in zip(order, placed, strict=True):
        out[k] = p
    return out


def end_labels(marks: list[Marks], y_range: tuple[float, float], plot_height: float,
               width: int = 18) -> list[Marks]:
    """Direct labelling instead of a legend: each series with an `end_label` gets it beside
    the plot at the height of its last point, shortened to `width` columns and moved apart
    vertically (`end_label_dy`) so that no two labels overlap."""
    from dataclasses import replace

    from grandbargain.report._plotly import last_point

    span = (y_range[1] - y_range[0]) or 1.0
    labelled = [k for k, m in enumerate(marks) if m.end_label and last_point(m) is not None]
    ends = [(last_point(marks[k])[1] - y_range[0]) / span * plot_height for k in labelled]
    placed = dodge(ends, LINE_PX + 1, LINE_PX / 2, plot_height - LINE_PX / 2)
    out = list(marks)
    for k, y0, y1 in zip(labelled, ends, placed, strict=True):
        out[k] = replace(marks[k], end_label=shorten(marks[k].end_label, width),
                         end_label_dy=y1 - y0)
    return out


def end_label_room(marks: list[Marks], gap: float) -> int:
    """The right margin (px) the end labels need: the gap, the widest label and a little air."""
    widest = max((label_width(m.end_label) for m in marks if m.end_label), default=0.0)
    return int(gap + widest + 8)


# --- the Nash package against no deal ----------------------------------------------------------

def package_chart(doc: dict[str, Any]) -> Chart | None:
    """Per issue: the no-deal value and the Nash package's option, as % of the issue's scale."""
    lang = doc["lang"]
    bottom = doc["forecast"].get("bottom_line") or {}
    if bottom.get("kind") != "package" or bottom.get("no_deal"):
        return None
    scales = {i["id"]: i for i in doc["scenario"]["issues"]}
    items = [i for i in bottom["issues"] if i["issue"] in scales]
    if not items:
        return None

    def pct(issue_id: str, value: float) -> float:
        low, high = scales[issue_id]["scale"]
        return 100.0 * (value - low) / ((high - low) or 1.0)

    names = tuple(shorten(i["name"], 34) for i in items)
    marks = []
    for item, name in zip(items, names, strict=True):
        if item["moved"]:
            marks.append(Marks(name=name, x=(pct(item["issue"], item["no_deal_value"]),
                                             pct(item["issue"], item["value"])),
                               y=(name, name), kind="lines", colour="#9aa5b1", width=3.0,
                               show_legend=False, hover=(item["option"],) * 2))
    no_deal_x = tuple(pct(i["issue"], i["no_deal_value"]) for i in items)
    nash_x = tuple(pct(i["issue"], i["value"]) for i in items)
    margin_left = int(20 + max(label_width(n) for n in names))
    plot_width = 760 - margin_left - MARGIN[1]
    # Direct labels, no legend: on the first row where the two marks stand apart, "No deal"
    # beside its circle (on the side away from the star, inside the plot) and the star's
    # value label names the Nash package.
    no_deal_labels = [""] * len(items)
    no_deal_offsets = [(0.0, 0.0)] * len(items)
    nash_labels = [_fmt(i["value"]) for i in items]
    for k, item in enumerate(items):
        if not item["moved"]:
            continue
        text = word("no_deal", lang)
        half = label_width(text) / 2
        x = (no_deal_x[k] + 4.0) / 108.0 * plot_width  # the circle, in plot pixels
        dx = half + 9 if no_deal_x[k] > nash_x[k] else -half - 9
        if x + dx - half >= 0 and x + dx + half <= plot_width:
            no_deal_labels[k] = text
            no_deal_offsets[k] = (dx, 0.0)
            nash_labels[k] = f"{word('nash_point', lang)} {_fmt(item['value'])}"
            break
    marks.append(Marks(
        name=word("no_deal", lang), colour="#7f8c8d", size=(11.0,) * len(items),
        x=no_deal_x, y=names, show_legend=False, labels=tuple(no_deal_labels),
        label_offsets=tuple(no_deal_offsets), label_colour="#5d6d6e",
        hover=tuple(f"{i['name']}<br>{word('no_deal', lang)}: {_fmt(i['no_deal_value'])}"
                    for i in items)))
    marks.append(Marks(
        name=word("nash_point", lang), colour=PALETTE[0], symbol="star",
        size=(15.0,) * len(items), x=nash_x, y=names, show_legend=False,
        labels=tuple(nash_labels), label_offsets=((0.0, 13.0),) * len(items),
        hover=tuple(f"{i['name']}<br>{word('nash_point', lang)}: {i['option']}" for i in items)))
    moved = sorted((i for i in items if i["moved"]),
                   key=lambda i: -abs(pct(i["issue"], i["value"])
                                      - pct(i["issue"], i["no_deal_value"])))
    if moved:
        moves = ("; " if lang == "en" else "；").join(
            f"{i['option'].split(': ', 1)[-1]} ({_fmt(i['no_deal_value'])}→{_fmt(i['value'])})"
            if lang == "en" else
            f"{i['option'].split('：', 1)[-1].split(': ', 1)[-1]}（{_fmt(i['no_deal_value'])}→"
            f"{_fmt(i['value'])}）" for i in moved[:2])
        title = word("package_finding", lang).format(k=len(moved), n=len(items), moves=moves)
    else:
        title = word("package_title_plain", lang)
    parties = ", ".join(p["name"] for p in bottom.get("parties", []))
    source = word("source_deals", lang).format(id=doc["forecast"]["scenario"]["id"])
    if parties:
        source = f"{source} ({parties})"
    return Chart("package-nash", title, word("package_axis", lang), word("issue", lang),
                 marks=tuple(marks), x_range=(-4.0, 104.0), y_categories=names,
                 note=word("package_note", lang), source=source,
                 plot_height=30 + 30 * len(items), width=760, legend=False,
                 margin_left=margin_left)


# --- the timeline replay (issue 15) -------------------------------------------------------------

def timeline_charts(doc: dict[str, Any]) -> list[Chart]:
    """One chart per issue: the status quo and each model's forecast after every event of the
    replayed events file (`grandbargain timeline --format json`), the event dates marked."""
    section = doc["sections"].get("timeline", {})
    if section.get("status") != "ok":
        return []
    lang = doc["lang"]
    replay = section["document"]
    steps = replay["steps"]
    if not steps:
        return []
    days = [s["date"] for s in steps]
    end = replay["timeline"]["as_of"]
    if end > days[-1]:
        days_ext = [*days, end]
        steps_ext = [*steps, steps[-1]]
    else:
        days_ext, steps_ext = days, steps
    scenario_issues = {i["id"]: i for i in doc["scenario"]["issues"]}
    source = word("source_timeline", lang).format(
        file=replay["timeline"]["file"].rsplit("/", 1)[-1], as_of=end,
        base=replay["base"]["id"], models=", ".join(replay["models"]))
    charts = []
    for issue_id in steps[0]["status_quo"]:
        issue = scenario_issues.get(issue_id, {"id": issue_id, "name": issue_id, "unit": "",
                                               "scale": None, "anchors": []})
        if issue["scale"]:
            y_range = (issue["scale"][0] - 0.04 * (issue["scale"][1] - issue["scale"][0]),
                       issue["scale"][1] + 0.04 * (issue["scale"][1] - issue["scale"][0]))
        else:
            values = [v for s in steps for v in [s["status_quo"][issue_id],
                                                 *(f[issue_id] for f in s["forecasts"].values())]
                      if v is not None]
            y_range = (min(values, default=0.0) - 1, max(values, default=1.0) + 1)
        lines = [Marks(name=word("status_quo", lang), x=tuple(days_ext),
                       y=tuple(s["status_quo"][issue_id] for s in steps_ext), kind="lines",
                       colour="#1d232a", width=2.5, step=True, show_legend=False,
                       end_label=word("status_quo", lang),
                       hover=tuple(f"{d}<br>{word('status_quo', lang)}: "
                                   f"{_fmt(s['status_quo'][issue_id])}"
                                   for d, s in zip(days_ext, steps_ext, strict=True)))]
        for k, model in enumerate(replay["models"]):
            ys = tuple(s["forecasts"][model].get(issue_id) for s in steps_ext)
            lines.append(Marks(name=model, x=tuple(days_ext), y=ys, kind="lines",
                               colour=PALETTE[k % len(PALETTE)], width=1.5, step=True,
                               show_legend=False, end_label=model,
                               hover=tuple(f"{d}<br>{model}: {_fmt(v)}"
                                           for d, v in zip(days_ext, ys, strict=True))))
        marks = end_labels(lines, y_range, 240)
        event_days = [s["date"] for s in steps if s["events"]]
        marks.append(Marks(
            name=word("events_marks", lang), x=tuple(event_days),
            y=(y_range[0],) * len(event_days), colour="#8c8c8c", symbol="triangle",
            size=(8.0,) * len(event_days), show_legend=False,
            hover=tuple(f"{s['date']}<br>" + "<br>".join(shorten(e["title"], 70)
                                                         for e in s["events"])
                        for s in steps if s["events"])))
        moves = [m for m in replay.get("largest_moves", []) if m["issue"] == issue_id]
        first, last = steps[0]["status_quo"][issue_id], steps[-1]["status_quo"][issue_id]
        if moves:
            m = moves[0]
            title = word("timeline_finding", lang).format(
                issue=issue["name"], a=_fmt(first), b=_fmt(last),
                move=f"{m['model']} {m['change']:+.0f}", date=m["date"])
        else:
            title = word("timeline_finding_flat", lang).format(issue=issue["name"],
                                                               a=_fmt(first), b=_fmt(last))
        unit = issue.get("unit") or ""
        charts.append(Chart(
            f"timeline-{issue_id}", title, word("date_axis", lang),
            f"{word('position', lang)}{f' ({unit})' if unit else ''}", marks=tuple(marks),
            guides=tuple(Guide("x", d, "", "anchor", "") for d in event_days),
            x_range=(days_ext[0], days_ext[-1]), y_range=y_range, x_dates=True,
            note=word("timeline_note", lang), source=source, legend=False, plot_height=240,
            margin_right=end_label_room(marks, 4.0), date_labels=lang))
    return charts


# --- the tariff stack (issue 16) ------------------------------------------------------------

def tariff_charts(doc: dict[str, Any]) -> list[Chart]:
    """Per imposer: each layer's rate over time, stacked (a step function), the total on top."""
    section = doc["sections"].get("tariffs", {})
    if section.get("status") != "ok":
        return []
    lang = doc["lang"]
    data = section["document"]
    source = word("source_tariffs", lang).format(file=data["file"].rsplit("/", 1)[-1],
                                                 as_of=data["as_of"])
    charts = []
    for panel in data["panels"]:
        days = [*panel["days"], data["end"]]
        layers = [la for la in panel["layers"] if any(la["rates"])]
        totals = [sum(la["rates"][k] for la in layers) for k in range(len(panel["days"]))]
        peak = max(totals, default=0.0)
        y_range = (0.0, peak * 1.15 + 1.0)
        base = [0.0] * len(panel["days"])
        marks = []
        for k, la in enumerate(layers):
            top = [b + r for b, r in zip(base, la["rates"], strict=True)]
            marks.append(Marks(
                name=la["name"], x=tuple(days), y=(*top, top[-1]), base=(*base, base[-1]),
                kind="lines", colour=TARIFF_COLOURS[k % len(TARIFF_COLOURS)], width=0.5,
                step=True, show_legend=False, end_label=la["name"],
                hover=tuple(f"{la['name']}: {_fmt(r)}%" for r in (*la["rates"],
                                                                  la["rates"][-1]))))
            base = top
        # label each band at its middle on the last date
        from dataclasses import replace

        span = y_range[1] - y_range[0]
        mids = [((m.base[-1] + m.y[-1]) / 2 - y_range[0]) / span * 260 for m in marks]
        placed = dodge(mids, LINE_PX + 1, LINE_PX / 2, 260 - LINE_PX / 2)
        labelled = []
        for m, y0, y1, mid in zip(marks, mids, placed, ((m.base[-1] + m.y[-1]) / 2
                                                        for m in marks), strict=True):
            text = shorten(m.end_label, 24)
            labelled.append(m)
            labelled.append(Marks(name=m.name, x=(m.x[-1],), y=(mid,), kind="markers",
                                  colour=m.colour, size=(1.0,), show_legend=False,
                                  labels=(text,),
                                  label_offsets=((label_width(text) / 2 + 4, y1 - y0),),
                                  hover=(m.name,)))
        marks = [replace(m, end_label="") for m in labelled]
        marks.append(Marks(name=word("tariff_axis", lang), x=tuple(days),
                           y=(*totals, totals[-1] if totals else 0.0), kind="lines",
                           colour="#1d232a", width=1.5, step=True, show_legend=False,
                           hover=tuple(f"{d}: {_fmt(t)}%" for d, t in
                                       zip(days, (*totals, totals[-1] if totals else 0.0),
                                           strict=True))))
        peak_on = panel["days"][totals.index(peak)] if totals else data["end"]
        title = word("tariff_finding", lang).format(
            who=panel["imposer_name"], whose=panel["target_name"],
            now=_fmt(totals[-1] if totals else 0.0), on=data["as_of"], peak=_fmt(peak),
            peak_on=peak_on)
        widest = max((label_width(shorten(la["name"], 24)) for la in layers), default=40)
        charts.append(Chart(
            f"tariffs-{panel['imposer'].lower()}-{panel['product']}", title,
            word("date_axis", lang), word("tariff_axis", lang), marks=tuple(marks),
            x_range=(days[0], days[-1]), y_range=y_range, x_dates=True,
            note=word("tariff_note", lang), source=source, legend=False, plot_height=260,
            width=760, margin_right=int(widest + 20), date_labels=lang))
    return charts
