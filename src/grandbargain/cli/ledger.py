"""`grandbargain ledger`: record forecasts in an append-only, hash-chained ledger, list and show
them, verify the chain, score them once outcomes are known, and import a ledger file into the
server's store.

Only typer and the standard library are imported at module top (start-up speed).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from grandbargain._lang import say


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


LedgerOpt = Annotated[Path | None, typer.Option(
    "--ledger", help="The ledger file (JSON Lines). Default: $GRANDBARGAIN_LEDGER, else "
    "the server's store when one exists (TL-06), else ledger.jsonl in the user's data "
    "directory.")]
FmtOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
LangOpt = Annotated[str, typer.Option(
    "--lang", help="Language of the table and the messages: en or zh (繁體中文). The JSON and "
    "CSV data are the same in both.")]

#: The terminal's words, English and Traditional Chinese.
WORDS = {
    "list_head": ("{n} entries in {path}; head hash {head}",
                  "{path} 共 {n} 筆紀錄；最新雜湊 {head}"),
    "list_row": ("{id:>4}  {at}  {scenario} (as of {as_of})  {models}  {hash}",
                 "{id:>4}  {at}  {scenario}（截至 {as_of}）  {models}  {hash}"),
    "no_entry": ("no entry {id}", "沒有第 {id} 筆紀錄"),
    "verify_ok": ("ok: {n} entries, chain intact; head hash {head}",
                  "完好：{n} 筆紀錄，雜湊鏈完整；最新雜湊 {head}"),
    "verify_broken": ("ledger broken:", "帳本已損壞："),
    "verify_count": ("{k} problem(s) in {path}", "{path} 有 {k} 個問題"),
    "scored": ("{scored} forecasts scored from {entries} entries; ",
               "{entries} 筆紀錄中共評分 {scored} 個預測；"),
    "lowest": ("lowest MAE: {model} {mae:.3f} of the scale",
               "平均絕對誤差最低：{model}，尺度的 {mae:.3f}"),
    "no_outcome": ("no outcome is dated after any entry's scenario",
                   "沒有任何結果的日期晚於紀錄的情境日期"),
    "score_note": ("errors are shares of each issue's scale; hit_k: within k% of the scale",
                   "誤差為佔各議題尺度的比例；「5% 內命中」等：誤差不超過尺度的該百分比"),
    "score_header": ("scope|model|n|mae|median_ae|hit_5|hit_10|hit_20",
                     "範圍|模型|n|平均絕對誤差|中位絕對誤差|5% 內命中|10% 內命中|20% 內命中"),
    "all": ("all", "全部"),
    "entry_scope": ("entry {id} ({as_of})", "第 {id} 筆（{as_of}）"),
}


def _w(key: str, lang: str, **values) -> str:
    return say(WORDS, key, lang, **values)


def _lang(lang: str) -> str:
    from grandbargain.cli._common import fail
    from grandbargain.scenario import ScenarioError

    if lang not in ("en", "zh"):
        fail(ScenarioError.single("--lang", f"unknown language '{lang}' (known: en, zh)"))
    return lang

app = typer.Typer(name="ledger", no_args_is_help=True, help=(
    "A hash-chained record of forecasts: record, list, show, verify, score against outcomes, "
    "import a file into the server's store."))


def _path(ledger: Path | None) -> Path:
    from grandbargain.timeline._ledger import default_ledger_path

    return ledger or default_ledger_path()


def _entries(ledger: Path | None) -> list[dict]:
    from grandbargain.cli._common import fail
    from grandbargain.scenario import ScenarioError
    from grandbargain.timeline._ledger import read_ledger

    try:
        entries = read_ledger(_path(ledger))
    except ScenarioError as exc:
        fail(exc)
        raise
    for entry in entries:
        entry.pop("_line", None)
    return entries


@app.command("record")
def record(scenario: Annotated[str | None, typer.Argument(
               help="A scenario file or shipped id (default: the US-China case).",
               show_default=False)] = None,
           model: Annotated[list[str] | None, typer.Option(
               "--model", "-m", help="Model to run (repeatable). Default: all.")] = None,
           draws: Annotated[int | None, typer.Option(
               "--draws", "-n", min=1, help="Add 90% intervals from N draws (as forecast).")
           ] = None,
           seed: Annotated[int, typer.Option("--seed", min=0)] = 0,
           noise: Annotated[str | None, typer.Option("--noise")] = None,
           events: Annotated[str | None, typer.Option(
               "--events", help="Apply a scenario events file first (see forecast).")] = None,
           as_of: Annotated[str | None, typer.Option("--as-of")] = None,
           ledger: LedgerOpt = None) -> None:
    """Forecast a scenario and append the forecast to the ledger."""
    from grandbargain.cli._draws import Distribution
    from grandbargain.cli.forecast import pick_models, with_bottom_line
    from grandbargain.cli.timeline import scenario_as_of_cli
    from grandbargain.report import forecast_document
    from grandbargain.timeline._ledger import record_entry

    s = scenario_as_of_cli(scenario, events, as_of)
    models = pick_models(model)
    # The same document `forecast --format json` prints: package columns and bottom line too.
    single = [m.forecast(s) for m in models]
    results, lines = with_bottom_line(s, single, "en", seed=seed)
    document = forecast_document(s, results, "en")
    if lines is not None:
        document = {"bottom_line": lines["en"], **document}
    if draws is not None:
        from grandbargain.cli._draws import (
            interval_summary,
            make_simulation,
            models_for_draws,
            run_draws,
        )

        sim = make_simulation(s, models_for_draws(models, bool(model)), draws, seed, noise,
                              Distribution.normal)
        document = interval_summary(document, sim, run_draws(sim), "en")
    options = {"draws": draws, "noise": noise, "events": events, "as_of": as_of,
               "scenario_argument": scenario}
    path = _path(ledger)
    entry = record_entry(path, scenario=s, forecast=document, models=[r.model for r in single],
                         options=options, seed=seed)
    typer.echo(f"recorded entry {entry['id']} in {path} (hash {entry['hash'][:16]}..., "
               f"scenario {s.id} {entry['scenario']['hash'][:12]}...)")


@app.command("list")
def list_entries(ledger: LedgerOpt = None, fmt: FmtOpt = Format.table, out: OutOpt = None,
                 lang: LangOpt = "en") -> None:
    """Every entry: id, when, scenario, as_of, models, hash."""
    from grandbargain.cli._common import emit

    lang = _lang(lang)
    entries = _entries(ledger)
    rows = [{"id": e["id"], "recorded_at": e["recorded_at"], "scenario": e["scenario"]["id"],
             "as_of": e["scenario"].get("as_of"), "models": ",".join(e["models"]),
             "hash": e["hash"]} for e in entries]
    if fmt is Format.json:
        emit(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", out)
        return
    if fmt is Format.csv:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["id", "recorded_at", "scenario", "as_of",
                                                    "models", "hash"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        emit(buffer.getvalue(), out)
        return
    lines = [_w("list_head", lang, n=len(rows), path=_path(ledger),
                head=rows[-1]["hash"] if rows else "-")]
    lines += [_w("list_row", lang, id=r["id"], at=r["recorded_at"], scenario=r["scenario"],
                 as_of=r["as_of"] or "–", models=r["models"], hash=r["hash"][:16])
              for r in rows]
    emit("\n".join(lines) + "\n", out)


@app.command("show")
def show(entry_id: Annotated[int, typer.Argument(help="The entry's id.")],
         ledger: LedgerOpt = None, out: OutOpt = None, lang: LangOpt = "en") -> None:
    """One entry in full (JSON), as recorded and hashed: the same in both languages; --lang
    sets the language of the message when there is no such entry."""
    from grandbargain.cli._common import emit, fail
    from grandbargain.scenario import ScenarioError

    lang = _lang(lang)
    for entry in _entries(ledger):
        if entry.get("id") == entry_id:
            emit(json.dumps(entry, indent=2, ensure_ascii=False) + "\n", out)
            return
    fail(ScenarioError.single(str(_path(ledger)), _w("no_entry", lang, id=entry_id)), lang)


@app.command("verify")
def verify(ledger: LedgerOpt = None, lang: LangOpt = "en") -> None:
    """Check the hash chain; exit status 1 (and which entries) when an entry was edited or
    removed."""
    from rich.console import Console
    from rich.markup import escape

    from grandbargain.timeline._ledger import verify_ledger

    lang = _lang(lang)
    path = _path(ledger)
    verdict = verify_ledger(path, lang)
    if verdict.ok:
        typer.echo(_w("verify_ok", lang, n=verdict.entries, head=verdict.head))
        return
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(f"[bold red]{escape(_w('verify_broken', lang))}[/] "
                  + escape(_w("verify_count", lang, k=len(verdict.problems), path=path)))
    for problem in verdict.problems:
        console.print(f"  {problem}", markup=False)
    raise typer.Exit(1)


@app.command("score")
def score(outcomes: Annotated[Path, typer.Option(
              "--outcomes", help="Outcomes per issue with their dates: YAML (outcomes: "
              "[{issue, value, date}]) or CSV (issue,value,date).")],
          ledger: LedgerOpt = None, fmt: FmtOpt = Format.table, out: OutOpt = None,
          lang: LangOpt = "en") -> None:
    """Score every entry against outcomes dated after its scenario: MAE and hit rates (the
    scoring of `grandbargain validate`), per model and per entry."""
    from grandbargain.cli._common import emit, fail
    from grandbargain.scenario import ScenarioError
    from grandbargain.timeline._ledger import read_outcomes, score_ledger

    lang = _lang(lang)

    try:
        known = read_outcomes(outcomes)
    except ScenarioError as exc:
        fail(exc)
        raise
    document = score_ledger(_entries(ledger), known)
    if fmt is Format.json:
        emit(json.dumps(document, indent=2, ensure_ascii=False) + "\n", out)
        return
    header = ["scope", "model", "n", "mae", "median_ae", "hit_5", "hit_10", "hit_20"]
    rows = [["all", *(r[k] for k in header[1:])] for r in document["per_model"]]
    rows += [[f"entry {e['entry']} ({e['as_of']})", *(r[k] for k in header[1:])]
             for e in document["per_entry"] for r in e["models"]]

    def cell(v) -> str:
        return "–" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    if fmt is Format.csv:
        emit("\n".join([",".join(header)] + [",".join(cell(v) for v in r) for r in rows])
             + "\n", out)
        return
    best = min((r for r in document["per_model"] if r["mae"] is not None),
               key=lambda r: r["mae"], default=None)
    if lang == "zh":  # the CSV above keeps the data's own column names and scopes
        keys = header[1:]
        header = _w("score_header", lang).split("|")
        rows = [[_w("all", lang), *(r[k] for k in keys)] for r in document["per_model"]]
        rows += [[_w("entry_scope", lang, id=e["entry"], as_of=e["as_of"]),
                  *(m[k] for k in keys)] for e in document["per_entry"] for m in e["models"]]
    lines = [_w("scored", lang, scored=document["scored"], entries=document["entries"])
             + (_w("lowest", lang, model=best["model"], mae=best["mae"]) if best else
                _w("no_outcome", lang)),
             _w("score_note", lang), ""]
    widths = [max(_columns(str(h)), *(_columns(cell(r[k])) for r in rows))
              for k, h in enumerate(header)]
    lines.append("  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip())
    lines += ["  ".join(_pad(cell(v), w) for v, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]
    emit("\n".join(lines) + "\n", out)


def _columns(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _columns(text))


@app.command("import")
def import_file(file: Annotated[Path, typer.Argument(
                    help="A ledger file (JSON Lines), e.g. the ledger.jsonl `record` wrote.",
                    show_default=False)]) -> None:
    """Import a ledger file into the server's store ($GRANDBARGAIN_DATABASE_URL, else the
    SQLite file in the user's data directory), keeping its ids, hashes and chain. A broken
    chain is refused (exit status 2, nothing imported); entries already there are skipped."""
    from grandbargain.cli._common import fail
    from grandbargain.cli.serve import open_store_or_exit, require_server_extra
    from grandbargain.scenario import ScenarioError
    from grandbargain.timeline._ledger import StoreLedger, import_ledger

    require_server_extra("ledger import")
    open_store_or_exit()
    target = StoreLedger()
    try:
        done = import_ledger(file, target)
    except ScenarioError as exc:
        fail(exc)
        raise
    entries = "entry" if done.added == 1 else "entries"
    typer.echo(f"imported {done.added} {entries} from {file} into {target} ({done.skipped} "
               f"already there); head hash {done.head}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ledger")
