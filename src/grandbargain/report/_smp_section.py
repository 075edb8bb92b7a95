"""The report's SMP section: KTAB's Spatial Model of Politics turn by turn, self-contained.

`smp_section` builds the section's plain document (status, a bottom line, the document
`grandbargain rounds --model smp --format json` prints, and each turn in plain words, English or
Chinese) from the run's `ModelResult`; `smp_charts` builds, from the report document alone, one
chart per issue (dimension): every actor's position over the turns and the forecast. Both are
wired into the report by a line each in `_document.py` and `_charts.py`, and the page shows them
with `templates/_smp.html.j2`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from grandbargain.models import ModelResult
from grandbargain.report._chart_spec import PALETTE, Chart, Marks
from grandbargain.report._layout import place_labels
from grandbargain.report._smp_rounds import smp_rounds_document
from grandbargain.report._text import shorten
from grandbargain.scenario import Scenario

#: at most this many turns are spelled out in words (the JSON document has them all)
TURNS_IN_WORDS = 12

_WORDS = {
    "title": ("KTAB's Spatial Model of Politics, turn by turn",
              "KTAB 空間政治模型：逐回合過程"),
    "chart": ("SMP on {issue}: forecast {value} after {turns} turns",
              "SMP：{issue}，{turns} 回合後預測 {value}"),
    "source": ("Method: KTAB's Spatial Model of Politics, one joint run over every issue "
               "(grandbargain rounds --model smp); scenario {id}.",
               "方法：KTAB 空間政治模型，所有議題一次聯合運算（grandbargain rounds --model smp）；"
               "情境 {id}。"),
    "turn": ("turn", "回合"),
    "forecast": ("SMP forecast {value}", "SMP 預測 {value}"),
    "not_run": ("the SMP is not in this run (add --model smp)",
                "本次未執行 SMP（加上 --model smp）"),
    "no_run": ("the SMP gave no forecast: {reason}", "SMP 未產生預測：{reason}"),
    "bottom": ("After {turns} turns ({why}) the SMP ends at {values}; {moved} of {n} actors "
               "moved from their starting positions.",
               "經過 {turns} 個回合（{why}），SMP 的結果為 {values}；{n} 個行為者中有 {moved} "
               "個離開了起始立場。"),
    "quiet": ("a turn moved the actors less than 2% of the first turn's move: KTAB's stopping "
              "rule", "某回合的總移動量低於第一回合的 2%：KTAB 的停止規則"),
    "max-turns": ("the turn limit", "達到回合上限"),
    "joint": ("All issues are one space: every bargain moves an actor on every issue at once.",
              "所有議題構成同一空間：每項協議同時調整行為者在各議題上的立場。"),
    "turn_line": ("Turn {turn}: {proposals} bargains proposed, {accepted} accepted.",
                  "第 {turn} 回合：提出 {proposals} 項協議，接受 {accepted} 項。"),
    "more_turns": ("Turns {first}-{last} are in the JSON document (grandbargain rounds "
                   "--model smp --format json).",
                   "第 {first} 至 {last} 回合見 SMP 逐回合的 JSON 文件。"),
    "note": ("Thin lines: each actor's position after every turn, from turn 0 (the start) "
             "upwards; dashed: the forecast, the most probable final position "
             "(docs/decisions.md SMP-05).",
             "細線：各行為者每回合後的立場，由第 0 回合（起點）向上；虛線：預測，即最可能的"
             "最終立場（見 docs/decisions.md SMP-05）。"),
}


def smp_word(key: str, lang: str, **values: Any) -> str:
    en, zh = _WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def smp_section(scenario: Scenario, results: Sequence[ModelResult], lang: str = "en",
                extras: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{"status": "ok", "title", "bottom_line", "joint", "turns_in_words", "document"} from the
    run's smp result; "not_run" (with a note) when the SMP was not run or gave no forecast."""
    result = next((r for r in results if r.model == "smp"), None)
    if result is None:
        return {"status": "not_run", "note": smp_word("not_run", lang)}
    if "run" not in result.detail:
        reason = next((f.detail.get("reason", "") for f in result.forecasts if f.detail), "")
        return {"status": "not_run", "note": smp_word("no_run", lang, reason=reason)}
    document = smp_rounds_document(scenario, result, lang)
    digits = document["digits"]
    names = {i["id"]: i["name"] for i in document["issues"]}
    values = ", ".join(f"{names[i]} {_fmt(v, digits)}" for i, v in document["forecast"].items())
    start, end = document["turns"][0]["positions"], document["turns"][-1]["positions"]
    moved = sum(1 for a in start if any(_fmt(start[a][i], digits) != _fmt(end[a][i], digits)
                                        for i in start[a]))
    bottom = smp_word("bottom", lang, turns=document["turns_run"],
                      why=smp_word(document["stopped"], lang), values=values, moved=moved,
                      n=len(start))
    turns = []
    for turn in document["turns"][1:TURNS_IN_WORDS + 1]:
        turns.append({"turn": turn["turn"],
                      "headline": smp_word("turn_line", lang, turn=turn["turn"],
                                           proposals=turn["proposals"],
                                           accepted=len(turn["accepted"])),
                      "bargains": [b["text"] for b in turn["accepted"]]})
    more = ""
    if document["turns_run"] > TURNS_IN_WORDS:
        more = smp_word("more_turns", lang, first=TURNS_IN_WORDS + 1,
                        last=document["turns_run"])
    return {"status": "ok", "note": "", "title": smp_word("title", lang),
            "bottom_line": bottom,
            "joint": smp_word("joint", lang) if len(document["issues"]) > 1 else "",
            "turns_in_words": turns, "more_turns": more, "document": document}


SMP_PLOT_PX = 300


def _px(value: float, span: tuple[float, float], size: float) -> float:
    return (value - span[0]) / ((span[1] - span[0]) or 1.0) * size


def smp_charts(doc: dict[str, Any]) -> list[Chart]:
    """One chart per issue of the SMP run: position across (with the issue's anchors and
    status quo, as in the report's other position charts), turns up (turn 0 = the start), a
    path per actor and the forecast; built from the report document's `sections["smp"]`."""
    from grandbargain.report._charts import (
        issue_guides,
        issue_key,
        status_quo_box,
        unit_axis_label,
    )

    section = doc.get("sections", {}).get("smp", {})
    if section.get("status") != "ok":
        return []
    lang = doc.get("lang", "en")
    smp = section["document"]
    turns = tuple(t["turn"] for t in smp["turns"])
    digits = smp["digits"]
    scenario_id = doc["forecast"]["scenario"]["id"]
    coloured = len(smp["actors"]) <= len(PALETTE)
    scenario_issues = {i["id"]: i for i in doc["scenario"]["issues"]}
    charts = []
    for issue in smp["issues"]:
        full = scenario_issues[issue["id"]]
        low, high = full["scale"]
        span = (high - low) or 1.0
        x_range = (low - 0.03 * span, high + 0.03 * span)
        y_range = (-0.3, max(turns) + 0.3)
        value = smp["forecast"][issue["id"]]
        forecast_name = smp_word("forecast", lang, value=_fmt(value, digits))
        # Direct labels, no legend: each coloured actor at its last position, the forecast at
        # the top of its line; placed so that none overlaps another.
        paths = [tuple(t["positions"][actor["id"]][issue["id"]] for t in smp["turns"])
                 for actor in smp["actors"]]
        names = [shorten(actor["name"], 18) for actor in smp["actors"]] if coloured else []
        tops = [(p[-1], turns[-1]) for p in paths] if coloured else []
        tops.append((value, turns[-1]))
        probe = Chart("", "", "", "", plot_height=SMP_PLOT_PX)
        guides = issue_guides(full, "x", lang)
        offsets = place_labels(
            [(_px(x, x_range, probe.plot_width), _px(y, y_range, probe.plot_height))
             for x, y in tops], [3.0] * len(tops), [*names, forecast_name],
            probe.plot_width, probe.plot_height,
            blocked=status_quo_box(guides, x_range, probe.plot_width, probe.plot_height))
        marks = []
        for k, (actor, path) in enumerate(zip(smp["actors"], paths, strict=True)):
            labels = ("",) * (len(path) - 1) + (names[k],) if coloured else None
            marks.append(Marks(name=actor["name"], x=path, y=turns, kind="lines",
                               colour=PALETTE[k] if coloured else "#9a9a9a", width=1.2,
                               show_legend=False, labels=labels,
                               label_offsets=((0.0, 0.0),) * (len(path) - 1) + (offsets[k],)
                               if coloured else None,
                               label_colour=PALETTE[k] if coloured else "",
                               hover=tuple(f"{actor['name']}, {smp_word('turn', lang)} {t}: "
                                           f"{_fmt(v, digits)}" for t, v in zip(turns, path,
                                                                                strict=True))))
        marks.append(Marks(name=forecast_name, x=(value, value), y=(turns[0], turns[-1]),
                           kind="lines", colour="#000000", width=3.0, dash=True,
                           show_legend=False, labels=("", forecast_name),
                           label_offsets=((0.0, 0.0), offsets[-1])))
        charts.append(Chart(
            f"smp-{issue['id']}", smp_word("chart", lang, issue=issue["name"],
                                            value=_fmt(value, digits), turns=max(turns)),
            unit_axis_label(full, lang), smp_word("turn", lang), marks=tuple(marks),
            guides=guides, x_range=x_range, y_range=y_range, key=issue_key(full, lang),
            note=smp_word("note", lang), plot_height=SMP_PLOT_PX, legend=False,
            source=smp_word("source", lang, id=scenario_id)))
    return charts
