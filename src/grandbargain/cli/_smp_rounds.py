"""`grandbargain rounds --model smp`: KTAB's SMP turn by turn over every issue at once."""

from __future__ import annotations

import math
from pathlib import Path

from grandbargain.cli._common import OutputFormat, emit, fail, print_rich
from grandbargain.models import SpatialModelOfPolitics
from grandbargain.report import rich_table, to_csv, to_json
from grandbargain.report._smp_rounds import smp_rounds_document, smp_rounds_rows, turn_line
from grandbargain.scenario import Scenario, ScenarioError

_WORDS = {
    "bottom": ("Forecast after {n} turns (one joint run over {d} issues; stopped: {why})",
               "{n} 回合後的預測（{d} 個議題聯合推演；停止原因：{why}）"),
    "why_quiet": ("positions settled, KTAB's rule", "立場趨於穩定（KTAB 規則）"),
    "why_max": ("most turns reached", "達到回合上限"),
    "win": ("Win probability of each actor's position", "各行為者立場的勝出機率"),
    "columns": ("Columns: turns (0 = start)", "欄：回合（0 = 起點）"),
    "every": ("; every {k}th turn and the last shown (--format csv has all)",
              "；每 {k} 回合及最後一回合（--format csv 列出全部）"),
    "accepted": ("Bargains accepted", "接受的協議"),
    "turn": ("Turn", "第"),
    "excluded": ("left out (no salience or capability): ", "未納入（無重視程度或影響力）："),
}


def _w(key: str, lang: str, **values) -> str:
    en, zh = _WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def smp_rounds(s: Scenario, issue: str | None, n_rounds: int | None, fmt: OutputFormat,
               out: Path | None, lang: str) -> None:
    """The `rounds` command for the SMP: every issue (or only the one named), up to KTAB's
    100 turns unless --rounds gave a limit (n_rounds None: not given)."""
    model = SpatialModelOfPolitics(max_turns=n_rounds if n_rounds else 100)
    result = model.forecast(s)
    run = result.detail.get("run")
    if run is None:
        reason = result.forecasts[0].detail.get("reason", "no run")
        fail(ScenarioError.single("--model", f"no SMP run: {reason}"))
    if issue is not None and issue not in run.issues:
        fail(ScenarioError.single("--issue", f"unknown issue '{issue}' (known: "
                                  f"{', '.join(run.issues)})"))
    document = smp_rounds_document(s, result, lang)
    if fmt is OutputFormat.json:
        emit(to_json(document), out)
        return
    if fmt is OutputFormat.csv:
        emit(to_csv(*smp_rounds_rows(document)), out)
        return
    print_rich(_terminal(document, issue, lang), out)


def _terminal(document: dict, only: str | None, lang: str):
    from rich.console import Group
    from rich.text import Text

    digits = document["digits"]
    turns = document["turns"]
    issues = [i for i in document["issues"] if only is None or i["id"] == only]
    why = _w("why_quiet" if document["stopped"] == "quiet" else "why_max", lang)
    bottom = _w("bottom", lang, n=document["turns_run"], d=len(document["issues"]), why=why)
    forecast = "; ".join(f"{i['name']} {document['forecast'][i['id']]:.{digits}f}"
                         for i in issues)
    parts = [Text(f"{bottom}: {forecast}", style="bold")]
    # at most ~13 turn columns on a terminal: the start, every k-th turn and the last
    step = max(1, math.ceil((len(turns) - 1) / 12))
    shown = [t for t in turns if t["turn"] % step == 0 or t is turns[-1]]
    header = ["行為者" if lang == "zh" else "Actor", *(str(t["turn"]) for t in shown)]
    numeric = [False] + [True] * len(shown)
    columns = _w("columns", lang) + (_w("every", lang, k=step) if step > 1 else "")
    for i in issues:
        rows = [[a["name"], *(t["positions"][a["id"]][i["id"]] for t in shown)]
                for a in document["actors"]]
        parts.append(rich_table(f"{document['scenario']['title']}: {i['name']}", header, rows,
                                numeric, caption=f"{document['model']['label']}. {columns}",
                                digits=digits))
    rows = [[a["name"], *(t["win_probability"][a["id"]] for t in shown)]
            for a in document["actors"]]
    parts.append(rich_table(_w("win", lang), header, rows, numeric, digits=2))
    parts.append(Text(_w("accepted", lang), style="bold"))
    for t in turns[1:]:
        label = f"{_w('turn', lang)} {t['turn']}" + (" 回合" if lang == "zh" else "")
        parts.append(Text(f"{label}: {turn_line(t, lang)}"))
        parts.extend(Text(f"  {b['text']}") for b in t["accepted"])
    if document["excluded_actors"]:
        parts.append(Text(_w("excluded", lang) + ", ".join(document["excluded_actors"])))
    return Group(*parts)
