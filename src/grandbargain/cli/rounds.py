"""`grandbargain rounds`: the expected-utility model round by round on one issue."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from grandbargain.cli._common import (
    CapabilitiesOpt,
    CapabilityColumnOpt,
    FormatOpt,
    InputFormatOpt,
    InstitutionsOpt,
    Lang,
    LangOpt,
    OutOpt,
    OutputFormat,
    ScaleOpt,
    ScenarioArg,
    emit,
    fail,
    load,
    print_rich,
)
from grandbargain.models import MODELS
from grandbargain.report import rich_table, rounds_document, rounds_rows, to_csv, to_json
from grandbargain.scenario import Scenario, ScenarioError


class RoundModel(StrEnum):
    eu = "eu"
    eu_scholz = "eu-scholz"
    smp = "smp"


IssueOpt = Annotated[str | None, typer.Option(
    "--issue", "-i", help="The issue id (may be left out when the scenario has one issue).")]
RoundModelOpt = Annotated[RoundModel, typer.Option(
    "--model", "-m", help="eu (textbook) or eu-scholz (the Scholz et al. 2011 replication); "
    "smp: KTAB's Spatial Model of Politics, every issue in one joint run.")]
RoundsOpt = Annotated[int, typer.Option("--rounds", "-n", min=0, help="Most rounds to run.")]


def pick_issue(scenario: Scenario, issue: str | None) -> str:
    ids = [i.id for i in scenario.issues]
    if issue is None:
        if len(ids) == 1:
            return ids[0]
        fail(ScenarioError.single("--issue", f"the scenario has {len(ids)} issues; pick one "
                                  f"with --issue ({', '.join(ids)})"))
    if issue not in ids:
        fail(ScenarioError.single("--issue", f"unknown issue '{issue}' (known: {', '.join(ids)})"))
    return issue


def rounds(ctx: typer.Context, scenario: ScenarioArg = None, issue: IssueOpt = None,
           model: RoundModelOpt = RoundModel.eu_scholz, n_rounds: RoundsOpt = 10,
           input_format: InputFormatOpt = None, scale: ScaleOpt = None,
           capabilities: CapabilitiesOpt = None, capability_column: CapabilityColumnOpt = None,
           institutions: InstitutionsOpt = None,
           fmt: FormatOpt = OutputFormat.table, out: OutOpt = None,
           lang: LangOpt = Lang.en) -> None:
    """Show the expected-utility model round by round: positions, risk, accepted offers."""
    s = load(scenario, input_format, scale, capabilities, capability_column, institutions)
    if model is RoundModel.smp:  # one joint run over every issue (cli/_smp_rounds.py)
        from grandbargain.cli._smp_rounds import smp_rounds
        given = ctx.get_parameter_source("n_rounds").name == "COMMANDLINE"
        return smp_rounds(s, issue, n_rounds if given else None, fmt, out, lang.value)
    issue_id = pick_issue(s, issue)
    result = MODELS[model.value](rounds=n_rounds).forecast(s)
    if issue_id not in result.detail["runs"]:
        reason = result.forecasts[s.issue_index[issue_id]].detail.get("reason", "no run")
        fail(ScenarioError.single("--issue", f"no rounds for issue '{issue_id}': {reason}"))
    document = rounds_document(s, result, issue_id, lang.value)
    if fmt is OutputFormat.json:
        emit(to_json(document), out)
        return
    if fmt is OutputFormat.csv:
        emit(to_csv(*_csv_rows(document)), out)
        return
    print_rich(_terminal(document, lang.value), out)


SETTLE_COLUMNS = ["forecast", "settled", "from_round", "to_round", "low", "high"]


def _csv_rows(document: dict):
    """The long table of `rounds_rows` with the forecast and its settling (EU-17) on every row."""
    header, rows = rounds_rows(document)
    window = document["last_rounds"] or {}
    extra = [document["forecast"], document["settled"], window.get("from_round"),
             window.get("to_round"), window.get("low"), window.get("high")]
    return header + SETTLE_COLUMNS, [row + extra for row in rows]


def settling_sentence(document: dict, digits: int, lang: str = "en") -> str:
    """'settled' or 'not settled: 30.0-55.0 over rounds 6-10; forecast = the middle'."""
    window = document["last_rounds"]
    if document["settled"] or not window:
        return "已收斂" if lang == "zh" else "settled"
    if lang == "zh":
        return (f"未收斂：第 {window['from_round']}-{window['to_round']} 輪間在 "
                f"{window['low']:.{digits}f} 與 {window['high']:.{digits}f} 之間來回；"
                "預測取該範圍的中點")
    return (f"NOT SETTLED: it keeps moving between {window['low']:.{digits}f} and "
            f"{window['high']:.{digits}f} over rounds {window['from_round']}-"
            f"{window['to_round']}; the forecast is the middle of that range")


_STOPPED_ZH = {"rounds": "達到回合上限", "fixed point": "到達不動點", "tolerance": "變動低於容差",
               "unanimous": "全體一致"}


def _terminal(document: dict, lang: str = "en"):
    from rich.console import Group
    from rich.text import Text

    zh = lang == "zh"
    actors, steps = document["actors"], document["rounds"]
    header = ["行為者" if zh else "Actor", *(str(r["round"]) for r in steps)]
    rows = [[a["name"], *(r["positions"][a["id"]] for r in steps)] for a in actors]
    rows.append(["中位數" if zh else "Median", *(r["median"] for r in steps)])
    rows.append(["加權平均數" if zh else "Weighted mean", *(r["mean"] for r in steps)])
    low, high = document["issue"]["scale"]
    digits = 2 if high - low <= 20 else 1
    if zh:
        stopped = _STOPPED_ZH.get(document["stopped"], document["stopped"])
        caption = (f"{document['model']['label']}。各欄：回合（0 = 起點）；停止原因：{stopped}；"
                   f"預測 {document['forecast']:.{digits}f}"
                   f"（{settling_sentence(document, digits, lang)}）")
    else:
        caption = (f"{document['model']['label']}. Columns: rounds (0 = start); stopped: "
                   f"{document['stopped']}; forecast {document['forecast']:.{digits}f} "
                   f"({settling_sentence(document, digits)})")
    title = (f"{document['scenario']['title']}：{document['issue']['name']}" if zh else
             f"{document['scenario']['title']}: {document['issue']['name']}")
    table = rich_table(title, header, rows, [False] + [True] * len(steps), caption=caption,
                       digits=digits)
    lines = [Text("接受的提議" if zh else "Accepted offers", style="bold")]
    for r in document["rounds"][1:]:
        if zh:
            lines.append(Text(f"第 {r['round']} 回合：" + ("" if r["offers"] else "無人移動")))
        else:
            lines.append(Text(f"Round {r['round']}:" + ("" if r["offers"] else " nobody moves")))
        lines.extend(Text(f"  {o['text']}") for o in r["offers"])
    return Group(table, *lines)


def register(app: typer.Typer) -> None:
    app.command("rounds")(rounds)
