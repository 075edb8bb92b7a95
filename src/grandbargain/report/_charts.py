"""The report's charts, built from the report document alone (see `_chart_spec` for what a
chart is): the heat map, per issue the bubble chart, the forecasts and the expected-utility
rounds, and the package-deal frontier."""

from __future__ import annotations

from typing import Any

from grandbargain.report._chart_spec import (
    GROUP_COLOURS,
    KEY_COLUMNS,
    PALETTE,
    Chart,
    Guide,
    Heat,
    Marks,
    Region,
)
from grandbargain.report._charts_more import end_label_room, end_labels
from grandbargain.report._layout import LINE_PX, label_width, place_labels
from grandbargain.report._report_words import group_name, word
from grandbargain.report._smp_section import smp_charts
from grandbargain.report._text import shorten, wrap


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


def status_quo_box(guides: tuple[Guide, ...], x_range: tuple[float, float], plot_width: float,
                   plot_height: float) -> list[tuple[float, float, float, float]]:
    """Where an x-axis status-quo guide writes its label (top of the plot, just right of the
    line), as a box in plot pixels (y up) that point labels must keep clear of."""
    boxes = []
    for g in guides:
        if g.axis == "x" and g.kind == "status_quo" and g.label:
            x = _to_px(g.value, x_range, plot_width) + 2
            boxes.append((x, plot_height - LINE_PX - 2, x + label_width(g.label) + 4,
                          plot_height))
    return boxes


def issue_key(issue: dict[str, Any], lang: str) -> tuple[str, ...]:
    """The anchors and the status quo in words, wrapped to lines for under the chart."""
    colon, semicolon = ("：", "；") if lang == "zh" else (": ", "; ")
    parts = [f"{_fmt(a['value'])} = {a['label']}" for a in issue["anchors"]]
    lines = wrap(f"{word('anchors', lang)}{colon}" + semicolon.join(parts), KEY_COLUMNS, 6) \
        if parts else []
    if issue["status_quo"] is not None:
        sq = f"{word('status_quo', lang)} {_fmt(issue['status_quo'])}"
        if issue.get("status_quo_note"):
            sq += f"{colon}{issue['status_quo_note']}"
        lines += wrap(sq, KEY_COLUMNS, 2)
    return tuple(lines)


def _unit_axis(issue: dict[str, Any], lang: str) -> str:
    low, high = issue["scale"]
    unit = f"{issue['unit']}, " if issue["unit"] else ""
    return f"{word('position', lang)} ({unit}{_fmt(low)}–{_fmt(high)})"


unit_axis_label = _unit_axis  # for report/_smp_section.py


def _to_px(value: float, span: tuple[float, float], size: float) -> float:
    return (value - span[0]) / ((span[1] - span[0]) or 1.0) * size


def _as_of(doc: dict[str, Any]) -> str:
    head = doc["forecast"]["scenario"]
    return word("as_of_part", doc["lang"]).format(d=head["as_of"]) if head.get("as_of") else ""


def scenario_source(doc: dict[str, Any]) -> str:
    head = doc["forecast"]["scenario"]
    return word("source_scenario", doc["lang"]).format(
        id=head["id"], as_of=_as_of(doc), n=len(doc["scenario"]["actors"]),
        version=doc["grandbargain_version"])


def _end_label(issue: dict[str, Any], high: bool) -> str:
    """What an end of the issue's scale means: the anchor at (or nearest) that end."""
    anchors = sorted(issue["anchors"], key=lambda a: a["value"])
    if not anchors:
        low, high_v = issue["scale"]
        return _fmt(high_v if high else low)
    a = anchors[-1] if high else anchors[0]
    return f"{_fmt(a['value'])}: {a['label']}"


def _side_means(doc: dict[str, Any], issue: dict[str, Any]) -> dict[str, float]:
    """Each side's weighted mean position, as % of the issue's scale."""
    groups = {a["id"]: a["group"] for a in doc["scenario"]["actors"]}
    low, high = issue["scale"]
    sums: dict[str, list[float]] = {}
    for st in issue["stances"]:
        g = groups.get(st["actor"])
        if not g:
            continue
        acc = sums.setdefault(g, [0.0, 0.0])
        acc[0] += st["weight"] * 100.0 * (st["position"] - low) / ((high - low) or 1.0)
        acc[1] += st["weight"]
    return {g: v[0] / v[1] for g, v in sums.items() if v[1] > 0}


def heat_title(doc: dict[str, Any]) -> str:
    """The finding: the issue on which the first two sides' weighted means lie furthest apart
    (or, without sides, the issue whose positions spread most)."""
    lang = doc["lang"]
    issues = doc["scenario"]["issues"]
    if not issues:
        return word("heat_title", lang)
    groups = list(dict.fromkeys(a["group"] for a in doc["scenario"]["actors"] if a["group"]))
    if len(groups) >= 2:
        g1, g2 = groups[:2]
        best, gap = None, -1.0
        for issue in issues:
            means = _side_means(doc, issue)
            if g1 in means and g2 in means and abs(means[g1] - means[g2]) > gap:
                best, gap = (issue, means[g1], means[g2]), abs(means[g1] - means[g2])
        if best is not None:
            issue, a, b = best
            return word("heat_finding", lang).format(
                issue=issue["name"], g1=group_name(g1, lang), g2=group_name(g2, lang),
                a=f"{a:.0f}", b=f"{b:.0f}")

    def spread(issue: dict[str, Any]) -> float:
        low, high = issue["scale"]
        values = [s["position"] for s in issue["stances"]]
        return (max(values) - min(values)) / ((high - low) or 1.0) if values else 0.0

    return word("heat_spread", lang).format(issue=max(issues, key=spread)["name"])


def heat_map(doc: dict[str, Any]) -> Chart:
    """Actors (rows, grouped by side, the side named) by issues (columns); colour = position
    as a share of the issue's scale. Column labels are short; the legend table under the chart
    gives each issue's full name and what the ends of its scale mean."""
    lang = doc["lang"]
    scenario = doc["scenario"]
    groups = list(dict.fromkeys(a["group"] or "" for a in scenario["actors"]))
    actors = sorted(scenario["actors"], key=lambda a: groups.index(a["group"] or ""))
    issues = scenario["issues"]
    sq_label = word("status_quo", lang)

    def row_label(a: dict[str, Any]) -> str:
        name = shorten(a["name"], 30)
        return f"{group_name(a['group'], lang)} · {name}" if a["group"] else name

    rows = (sq_label, *(row_label(a) for a in actors))
    cols = tuple(shorten(i["name"], 30) for i in issues)
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
            who = sq_label if actor is None else \
                (f"{actor['name']} ({group_name(actor['group'], lang)})" if actor["group"]
                 else actor["name"])
            hr.append(f"{who}<br>{issue['name']}<br>{word('position', lang)}: {_fmt(value)} "
                      f"{issue['unit']} ({_fmt(low)}–{_fmt(high)})<br>"
                      f"{word('legend_high', lang)}: {_end_label(issue, True)}<br>{extra}")
        z.append(tuple(zr))
        text.append(tuple(tr))
        hover.append(tuple(hr))
    heat = Heat(rows, cols, tuple(z), tuple(text), tuple(hover), word("heat_colour", lang))
    table = tuple((c, i["name"], _end_label(i, False), _end_label(i, True))
                  for c, i in zip(cols, issues, strict=True))
    return Chart("heatmap", heat_title(doc), word("issue", lang), word("actor", lang),
                 heat=heat, note=word("heat_note", lang), legend=False,
                 plot_height=34 * len(rows), width=1200, margin_left=300, margin_right=130,
                 axis_px=100, source=scenario_source(doc), legend_table=table,
                 legend_table_header=(word("legend_short", lang), word("legend_full", lang),
                                      word("legend_low", lang), word("legend_high", lang)))


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
    guides = issue_guides(issue, "x", lang)
    offsets = place_labels(
        [(_to_px(s["position"], x_range, shell.plot_width),
          _to_px(s["weight"], y_range, shell.plot_height)) for s in stances],
        [d / 2 for d in diameters], names, shell.plot_width, shell.plot_height,
        blocked=status_quo_box(guides, x_range, shell.plot_width, shell.plot_height))
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
    if stances:
        heaviest = max(stances, key=lambda s: s["weight"])
        title = word("bubble_finding", lang).format(
            issue=issue["name"], actor=actors[heaviest["actor"]]["name"],
            pos=_fmt(heaviest["position"]), sq=_fmt(issue["status_quo"]))
    else:
        title = f"{word('bubble_title', lang)}: {issue['name']}"
    return Chart(f"positions-{issue['id']}", title,
                 _unit_axis(issue, lang), word("weight_axis", lang), marks=tuple(marks),
                 guides=guides, x_range=x_range, y_range=y_range,
                 key=key, note=word("bubble_note", lang), source=scenario_source(doc))


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
        colour = PALETTE[k % len(PALETTE)]
        if interval:
            # Drawn as its own bar: the draws' interval need not contain the point forecast.
            spread = f"{word('interval', lang)}: {_fmt(interval[0], 2)}–{_fmt(interval[1], 2)}"
            hover += f"<br>{spread}"
            marks.append(Marks(name=f"{name}: {word('interval', lang)}", x=interval,
                               y=(name, name), kind="lines", colour=colour, width=7.0,
                               opacity=0.35, show_legend=False,
                               hover=(f"{name}<br>{spread}",) * 2))
        marks.append(Marks(name=name, x=(value,), y=(name,), colour=colour,
                           size=(13.0,), labels=(_fmt(value),), label_offsets=((0.0, 13.0),),
                           hover=(hover,), symbol="diamond", show_legend=False))
    singles = [v for m, v in forecast["forecasts"].items()
               if v is not None and not m.startswith("deal-")]
    nash = forecast["forecasts"].get("deal-nash")
    if singles and nash is not None:
        anchor = forecast["nearest_anchor"].get("deal-nash") or _fmt(nash)
        title = word("forecast_finding", lang).format(
            issue=issue["name"], lo=_fmt(min(singles)), hi=_fmt(max(singles)),
            nash=anchor.lstrip("~"))
    elif singles:
        title = word("forecast_finding_plain", lang).format(
            issue=issue["name"], lo=_fmt(min(singles)), hi=_fmt(max(singles)))
    else:
        title = f"{word('forecast_title', lang)}: {issue['name']}"
    source = word("source_models", lang).format(
        models=", ".join(m["name"] for m in models), id=doc["forecast"]["scenario"]["id"],
        as_of=_as_of(doc))
    return Chart(f"forecasts-{issue['id']}", title,
                 _unit_axis(issue, lang), word("model", lang), marks=tuple(marks),
                 source=source,
                 guides=issue_guides(issue, "x", lang), x_range=_pad(*issue["scale"]),
                 y_categories=tuple(m["name"] for m in models),
                 key=issue_key(issue, lang) + _draws_key(doc, bool(intervals)),
                 note=word("forecast_note", lang), legend=False,
                 plot_height=40 + 36 * len(models),
                 margin_left=int(44 + max((label_width(m["name"]) for m in models),
                                          default=40)))


def _draws_key(doc: dict[str, Any], shown: bool) -> tuple[str, ...]:
    simulation = doc["forecast"].get("simulation")
    if not shown or not simulation:
        return ()
    return (word("bars_key", doc["lang"]).format(draws=simulation["draws"],
                                                  seed=simulation["seed"]),)


def _intervals(doc: dict[str, Any], issue_id: str) -> dict[str, tuple[float, float]]:
    """Each model's 90% interval (5%-95% of the draws) when `--draws` was run: the `intervals`
    that `forecast --draws` adds to the forecast document."""
    issue = next(i for i in doc["forecast"]["issues"] if i["id"] == issue_id)
    return {m: (v["q05"], v["q95"]) for m, v in issue.get("intervals", {}).items()
            if v.get("q05") is not None and v.get("q95") is not None}


TRAJECTORY_PLOT_PX = 280


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
    series = []
    for k, (model, run) in enumerate(runs.items()):
        colour = PALETTE[k % len(PALETTE)]
        rounds = tuple(r["round"] for r in run["rounds"])
        medians = tuple(r["median"] for r in run["rounds"])
        means = tuple(r["mean"] for r in run["rounds"])
        series.append(Marks(name=f"{model}: {word('median', lang)}", x=rounds, y=medians,
                            kind="lines+markers", colour=colour, width=3.0,
                            size=(6.0,) * len(rounds), show_legend=False,
                            end_label=word("median_label", lang).format(model=model),
                            hover=tuple(f"{model}: {word('median', lang)}<br>"
                                        f"{word('round', lang)} {n}: {_fmt(v, 2)}"
                                        for n, v in zip(rounds, medians, strict=True))))
        series.append(Marks(name=f"{model}: {word('mean', lang)}", x=rounds, y=means,
                            kind="lines", colour=colour, dash=True, show_legend=False,
                            end_label=word("mean_label", lang).format(model=model),
                            hover=tuple(f"{model}: {word('mean', lang)}<br>"
                                        f"{word('round', lang)} {n}: {_fmt(v, 2)}"
                                        for n, v in zip(rounds, means, strict=True))))
    y_range = _pad(*issue["scale"])
    guides = issue_guides(issue, "y", lang)
    # The labels start right of the anchors' value labels, which sit just outside the plot.
    gap = 4.0 + max((label_width(g.label) for g in guides if g.kind == "anchor"), default=0.0)
    series = end_labels(series, y_range, TRAJECTORY_PLOT_PX, width=22)
    marks += series
    longest = max(len(r["rounds"]) for r in runs.values())
    model, run = next(iter(runs.items()))
    flat = run["rounds"][0]["median"] == run["rounds"][-1]["median"]
    title = word("trajectory_flat" if flat else "trajectory_finding", lang).format(
        issue=issue["name"], model=model, start=_fmt(run["rounds"][0]["median"]),
        end=_fmt(run["rounds"][-1]["median"]), n=len(run["rounds"]) - 1)
    source = word("source_rounds", lang).format(models=", ".join(runs),
                                                id=doc["forecast"]["scenario"]["id"])
    return Chart(f"trajectory-{issue['id']}", title, word("round", lang),
                 _unit_axis(issue, lang), marks=tuple(marks), source=source,
                 guides=guides, x_range=(-0.3, longest - 0.7), x_whole=True,
                 y_range=y_range, key=issue_key(issue, lang),
                 note=word("trajectory_note", lang), legend=False,
                 plot_height=TRAJECTORY_PLOT_PX, width=680, end_label_gap=gap,
                 margin_right=end_label_room(series, gap))


def trades_chart(doc: dict[str, Any]) -> Chart | None:
    """Who trades with whom: exchanges per pair of actors over every round of the exchange
    model (the matrix is symmetric; the hover names the issues traded most)."""
    lang = doc["lang"]
    ex = doc["sections"]["exchanges"]["document"]
    actors = doc["scenario"]["actors"]
    index = {a["id"]: k for k, a in enumerate(actors)}
    counts = [[0] * len(actors) for _ in actors]
    issues: dict[tuple[int, int], dict[str, int]] = {}
    for r in ex["rounds"]:
        for e in r["exchanges"]:
            i, j = index[e["first"]["actor"]], index[e["second"]["actor"]]
            for a, b in ((i, j), (j, i)):
                counts[a][b] += 1
                traded = issues.setdefault((a, b), {})
                for move in (e["first"], e["second"]):
                    traded[move["issue_name"]] = traded.get(move["issue_name"], 0) + 1
    if not any(any(row) for row in counts):
        return None
    names = tuple(shorten(a["name"], 30) for a in actors)
    top = max(max(row) for row in counts)
    hover = []
    for a, row in enumerate(counts):
        cells = []
        for b, n in enumerate(row):
            most = sorted(issues.get((a, b), {}).items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            cells.append(f"{actors[a]['name']} ↔ {actors[b]['name']}: {n}<br>"
                         + "<br>".join(f"{shorten(name, 50)} ({k})" for name, k in most))
        hover.append(tuple(cells))
    heat = Heat(names, names, tuple(tuple(None if n == 0 else float(n) for n in row)
                                    for row in counts),
                tuple(tuple(str(n) if n else "" for n in row) for row in counts),
                tuple(hover), word("trades_colour", lang), zmin=0.0, zmax=float(top))
    a, b = max(((a, b) for a in range(len(actors)) for b in range(a + 1, len(actors))),
               key=lambda ab: (counts[ab[0]][ab[1]], -ab[0], -ab[1]))
    title = word("trades_finding", lang).format(a=actors[a]["name"], b=actors[b]["name"],
                                                n=counts[a][b])
    return Chart("exchanges-pairs", title, word("partner", lang),
                 word("actor", lang), heat=heat, note=word("trades_note", lang), legend=False,
                 source=word("source_exchanges", lang).format(
                     id=doc["forecast"]["scenario"]["id"]),
                 plot_height=34 * len(actors), width=1000, margin_left=250, margin_right=130,
                 axis_px=100)


SOLUTION_SYMBOLS = {"nash": "star", "kalai_smorodinsky": "diamond", "egalitarian": "square",
                    "utilitarian": "triangle"}


def _package_hover(point: dict[str, Any], parties: list[dict[str, Any]]) -> str:
    utilities = ", ".join(f"{p['name']} {point['utilities'][p['id']]:.3f}" for p in parties)
    options = "<br>".join(shorten(o, 60) for o in point["package"].values())
    return f"{utilities}<br>{options}"


def frontier_chart(doc: dict[str, Any]) -> Chart | None:
    """The package-deal frontier in the first two parties' utilities: every frontier package,
    the ZOPA, the no-deal point (the status quo or the scenario's disagreement point) and the
    four bargaining solutions."""
    lang = doc["lang"]
    deal = doc["sections"]["deals"]["document"]
    parties = deal["parties"]
    if len(parties) < 2 or not deal["frontier"].get("points"):
        return None
    a, b = parties[0]["id"], parties[1]["id"]
    points = sorted(deal["frontier"]["points"], key=lambda p: p["utilities"][a])
    d = deal["disagreement"]["utilities"]
    inside = [p for p in points if p["utilities"][a] > d[a] and p["utilities"][b] > d[b]]
    seen: dict[tuple[float, float], list[str]] = {}
    for key, solution in deal["solutions"].items():
        if solution is not None:
            spot = (solution["utilities"][a], solution["utilities"][b])
            seen.setdefault(spot, []).append(key)
    xs = [p["utilities"][a] for p in points] + [d[a]]
    ys = [p["utilities"][b] for p in points] + [d[b]]
    x_range, y_range = _pad(min(xs), max(xs), 0.08), _pad(min(ys), max(ys), 0.1)
    shell = Chart("", "", "", "", width=760, plot_height=380)

    def px(x: float, y: float) -> tuple[float, float]:
        return (_to_px(x, x_range, shell.plot_width), _to_px(y, y_range, shell.plot_height))

    regions: tuple[Region, ...] = ()
    blocked = []
    if inside:
        # The ZOPA: feasible packages both prefer to no deal, i.e. the area between the
        # no-deal point and the frontier (`deals.Zopa.area` measures the same region).
        outline = [(d[a], d[b]), (d[a], inside[0]["utilities"][b]),
                   *((p["utilities"][a], p["utilities"][b]) for p in inside),
                   (inside[-1]["utilities"][a], d[b])]
        regions = (Region(tuple(outline), word("zopa_region", lang), (d[a], d[b])),)
        rx, ry = px(d[a], d[b])
        blocked.append((rx + 4, ry + 4, rx + 4 + label_width(regions[0].label),
                        ry + 4 + LINE_PX))
    # Every series is labelled on the chart (no legend): the no-deal point, each solution,
    # the frontier at its first package and the ZOPA's packages at their middle one.
    names = [word("no_deal", lang),
             *(" = ".join(deal["solutions"][k]["name"] for k in keys) for keys in seen.values())]
    spots = [(d[a], d[b]), *seen.keys()]
    radii = [7.0] * len(spots)
    series_names = [word("frontier", lang)]
    series_spots = [(points[0]["utilities"][a], points[0]["utilities"][b])]
    middle = inside[len(inside) // 2] if inside else None
    if middle is not None:
        series_names.append(word("zopa_points", lang))
        series_spots.append((middle["utilities"][a], middle["utilities"][b]))
    offsets = place_labels([px(x, y) for x, y in spots + series_spots],
                           radii + [4.0] * len(series_spots), names + series_names,
                           shell.plot_width, shell.plot_height,
                           obstacles=[(*px(p["utilities"][a], p["utilities"][b]), 4.0)
                                      for p in points], blocked=blocked)
    series_offsets = dict(zip(series_names, offsets[len(spots):], strict=True))

    def label_at(chosen: list[dict[str, Any]], target: dict[str, Any] | None, name: str):
        labels = tuple(name if p is target else "" for p in chosen)
        return labels, tuple(series_offsets[name] if p is target else (0.0, 0.0)
                             for p in chosen)

    labels, label_offsets = label_at(points, points[0], series_names[0])
    marks = [Marks(name=word("frontier", lang), kind="lines+markers", colour="#7f9fbf",
                   x=tuple(p["utilities"][a] for p in points),
                   y=tuple(p["utilities"][b] for p in points), size=(5.0,) * len(points),
                   width=1.5, hover=tuple(_package_hover(p, parties) for p in points),
                   show_legend=False, labels=labels, label_offsets=label_offsets,
                   label_colour="#4a6f94")]
    if inside:
        labels, label_offsets = label_at(inside, middle, series_names[1])
        marks.append(Marks(name=word("zopa_points", lang), colour="#2ca02c",
                           x=tuple(p["utilities"][a] for p in inside),
                           y=tuple(p["utilities"][b] for p in inside), size=(8.0,) * len(inside),
                           hover=tuple(_package_hover(p, parties) for p in inside),
                           show_legend=False, labels=labels, label_offsets=label_offsets,
                           label_colour="#1e7a1e"))
    marks.append(Marks(name=names[0], x=(d[a],), y=(d[b],), colour="#d62728", symbol="cross",
                       size=(12.0,), labels=(names[0],), label_offsets=(offsets[0],),
                       hover=(f"{names[0]}: {d[a]:.3f}, {d[b]:.3f}",), show_legend=False))
    for k, (keys, name, (x, y), offset) in enumerate(zip(seen.values(), names[1:], spots[1:],
                                                         offsets[1:len(spots)], strict=True)):
        marks.append(Marks(name=name, x=(x,), y=(y,), colour=PALETTE[(k + 1) % len(PALETTE)],
                           symbol=SOLUTION_SYMBOLS.get(keys[0], "circle"), size=(15.0,),
                           labels=(name,), label_offsets=(offset,), show_legend=False,
                           hover=(f"{name}: {parties[0]['name']} {x:.3f}, "
                                  f"{parties[1]['name']} {y:.3f}",)))
    guides = (Guide("x", d[a], "", "status_quo"), Guide("y", d[b], "", "status_quo"))
    zopa = deal["zopa"]
    key = [word("frontier_key", lang).format(size=deal["frontier"]["size"],
                                             total=f"{deal['packages']:,}",
                                             zopa=zopa["frontier_packages"])]
    axis = word("utility_axis", lang)
    nash = deal["solutions"].get("nash")
    if nash is not None:
        gains = ", ".join(f"{p['name']} {nash['gains'][p['id']]:+.3f}" for p in parties)
        title = word("frontier_finding", lang).format(gains=gains, size=deal["frontier"]["size"],
                                                      zopa=zopa["frontier_packages"])
    else:
        title = word("frontier_title", lang)
    return Chart("deals-frontier", title,
                 source=word("source_deals", lang).format(id=doc["forecast"]["scenario"]["id"]),
                 x_label=axis.format(party=parties[0]["name"]),
                 y_label=axis.format(party=parties[1]["name"]),
                 marks=tuple(marks), guides=guides,
                 regions=regions, x_range=x_range, y_range=y_range, key=tuple(key),
                 note=word("frontier_note", lang), plot_height=380, width=760, legend=False)


def build_charts(doc: dict[str, Any]) -> list[Chart]:
    """Every chart of the report (the page orders them by section)."""
    from grandbargain.report._charts_more import package_chart, tariff_charts, timeline_charts

    charts = [c for c in (package_chart(doc),) if c]
    charts += timeline_charts(doc) + tariff_charts(doc)
    charts.append(heat_map(doc))
    issues = doc["scenario"]["issues"]
    charts += [positions_chart(doc, issue) for issue in issues]
    charts += [forecasts_chart(doc, issue) for issue in issues]
    if doc["sections"]["trajectories"]["status"] == "ok":
        charts += [c for c in (trajectory_chart(doc, issue) for issue in issues) if c]
    if doc["sections"].get("exchanges", {}).get("status") == "ok":
        charts += [c for c in (trades_chart(doc),) if c]
    if doc["sections"].get("deals", {}).get("status") == "ok":
        charts += [c for c in (frontier_chart(doc),) if c]
    charts += smp_charts(doc)  # KTAB SMP turns (report/_smp_section.py)
    return charts
