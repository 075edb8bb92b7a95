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


IssueOpt = Annotated[str | None, typer.Option(
    "--issue", "-i", help="The issue id (may be left out when the scenario has one issue).")]
RoundModelOpt = Annotated[RoundModel, typer.Option(
    "--model", "-m", help="eu (textbook) or eu-scholz (the Scholz et al. 2011 replication).")]
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


def rounds(scenario: ScenarioArg = None, issue: IssueOpt = None,
           model: RoundModelOpt = RoundModel.eu_scholz, n_rounds: RoundsOpt = 10,
           input_format: InputFormatOpt = None, scale: ScaleOpt = None,
           capabilities: CapabilitiesOpt = None, capability_column: CapabilityColumnOpt = None,
           institutions: InstitutionsOpt = None,
           fmt: FormatOpt = OutputFormat.table, out: OutOpt = None,
           lang: LangOpt = Lang.en) -> None:
    """Show the expected-utility model round by round: positions, risk, accepted offers."""
    s = load(scenario, input_format, scale, capabilities, capability_column, institutions)
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
        emit(to_csv(*rounds_rows(document)), out)
        return
    print_rich(_terminal(document), out)


def _terminal(document: dict):
    from rich.console import Group
    from rich.text import Text

    actors, steps = document["actors"], document["rounds"]
    header = ["Actor", *(str(r["round"]) for r in steps)]
    rows = [[a["name"], *(r["positions"][a["id"]] for r in steps)] for a in actors]
    rows.append(["Median", *(r["median"] for r in steps)])
    rows.append(["Weighted mean", *(r["mean"] for r in steps)])
    low, high = document["issue"]["scale"]
    digits = 2 if high - low <= 20 else 1
    caption = (f"{document['model']['label']}. Columns: rounds (0 = start); stopped: "
               f"{document['stopped']}; forecast {document['forecast']:.{digits}f}")
    table = rich_table(f"{document['scenario']['title']}: {document['issue']['name']}", header,
                       rows, [False] + [True] * len(steps), caption=caption, digits=digits)
    lines = [Text("Accepted offers", style="bold")]
    for r in document["rounds"][1:]:
        lines.append(Text(f"Round {r['round']}:" + ("" if r["offers"] else " nobody moves")))
        lines.extend(Text(f"  {o['text']}") for o in r["offers"])
    return Group(table, *lines)


def register(app: typer.Typer) -> None:
    app.command("rounds")(rounds)
