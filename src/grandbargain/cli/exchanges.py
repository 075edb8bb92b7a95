"""`grandbargain exchanges`: the exchange model (issue linkage) round by round, in plain words."""

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
    load,
    print_rich,
)
from grandbargain.models import ExchangeModel
from grandbargain.report import exchanges_document, exchanges_rows, rich_table, to_csv, to_json


class TieBreak(StrEnum):
    random = "random"
    ordered = "ordered"


class Variant(StrEnum):
    spec = "spec"
    decide = "decide"


RoundsOpt = Annotated[int, typer.Option("--rounds", "-n", min=1, help="Rounds to run.")]
SeedOpt = Annotated[int, typer.Option("--seed", "-s", min=0,
                                      help="Seed of the random choice between tied exchanges.")]
TieBreakOpt = Annotated[TieBreak, typer.Option(
    "--tie-break", help="random (seeded) or ordered (the first in Decide's order).")]
VariantOpt = Annotated[Variant, typer.Option(
    "--variant", help="spec (models.md) or decide (decide-exchange-model's arithmetic).")]
LimitOpt = Annotated[int, typer.Option(
    "--limit", min=0, help="Exchanges shown per round on the terminal (0: all).")]

_TEXT = {
    "en": {"round": "Round {n}: {k} exchanges", "more": "… and {k} more (--limit 0 shows all)",
           "none": "Round {n}: no exchange left", "start": "start", "title": "Exchange model",
           "caption": "Expected outcome at the start and after each round. "
                      "Seed {seed}, {ties} ties broken."},
    "zh": {"round": "第 {n} 輪：{k} 項交換", "more": "……另有 {k} 項（--limit 0 全部顯示）",
           "none": "第 {n} 輪：沒有可行的交換", "start": "起點", "title": "交換模型",
           "caption": "起點及每輪之後的預期結果。隨機種子 {seed}，打破平手 {ties} 次。"},
}


def exchanges(scenario: ScenarioArg = None, rounds: RoundsOpt = 10, seed: SeedOpt = 0,
              tie_break: TieBreakOpt = TieBreak.random, variant: VariantOpt = Variant.spec,
              limit: LimitOpt = 10, input_format: InputFormatOpt = None, scale: ScaleOpt = None,
              capabilities: CapabilitiesOpt = None,
              capability_column: CapabilityColumnOpt = None,
              institutions: InstitutionsOpt = None,
              fmt: FormatOpt = OutputFormat.table, out: OutOpt = None,
              lang: LangOpt = Lang.en) -> None:
    """Who trades support with whom across issues, round by round (Stokman's exchange model)."""
    s = load(scenario, input_format, scale, capabilities, capability_column, institutions)
    model = ExchangeModel(rounds=rounds, seed=seed, tie_break=tie_break.value,
                          variant=variant.value)
    run = model.run(s)
    document = exchanges_document(s, run, model.get_params(), lang.value)
    if fmt is OutputFormat.json:
        emit(to_json(document), out)
        return
    if fmt is OutputFormat.csv:
        emit(to_csv(*exchanges_rows(document)), out)
        return
    print_rich(_terminal(document, lang.value, limit), out)


def _terminal(document: dict, lang: str, limit: int):
    from rich.console import Group
    from rich.text import Text

    words = _TEXT[lang]
    steps = document["rounds"]
    header = ["", words["start"], *(str(r["round"]) for r in steps)]
    rows = [[issue["id"], document["initial"][issue["id"]],
             *(r["forecast"][issue["id"]] for r in steps)] for issue in document["issues"]]
    narrow = min(i["scale"][1] - i["scale"][0] for i in document["issues"]) <= 20
    params = document["model"]["params"]
    caption = words["caption"].format(seed=params["seed"],
                                      ties=sum(r["ties"] for r in steps))
    table = rich_table(f"{words['title']}: {document['scenario']['title']}", header, rows,
                       [False] + [True] * (len(steps) + 1), caption=caption,
                       digits=2 if narrow else 1)
    lines = []
    for r in steps:
        shown = r["exchanges"] if limit == 0 else r["exchanges"][:limit]
        key = "round" if r["exchanges"] else "none"
        lines.append(Text(words[key].format(n=r["round"], k=len(r["exchanges"])), style="bold"))
        lines.extend(Text(f"  {e['order']}. {e['text']}") for e in shown)
        if len(shown) < len(r["exchanges"]):
            lines.append(Text("  " + words["more"].format(k=len(r["exchanges"]) - len(shown))))
    return Group(table, *lines)


def register(app: typer.Typer) -> None:
    app.command("exchanges")(exchanges)
