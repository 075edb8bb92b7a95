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
def list_entries(ledger: LedgerOpt = None, fmt: FmtOpt = Format.table, out: OutOpt = None
                 ) -> None:
    """Every entry: id, when, scenario, as_of, models, hash."""
    from grandbargain.cli._common import emit

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
    lines = [f"{len(rows)} entries in {_path(ledger)}; head hash "
             f"{rows[-1]['hash'] if rows else '-'}"]
    lines += [f"{r['id']:>4}  {r['recorded_at']}  {r['scenario']} (as of {r['as_of']})  "
              f"{r['models']}  {r['hash'][:16]}" for r in rows]
    emit("\n".join(lines) + "\n", out)


@app.command("show")
def show(entry_id: Annotated[int, typer.Argument(help="The entry's id.")],
         ledger: LedgerOpt = None, out: OutOpt = None) -> None:
    """One entry in full (JSON)."""
    from grandbargain.cli._common import emit, fail
    from grandbargain.scenario import ScenarioError

    for entry in _entries(ledger):
        if entry.get("id") == entry_id:
            emit(json.dumps(entry, indent=2, ensure_ascii=False) + "\n", out)
            return
    fail(ScenarioError.single(str(_path(ledger)), f"no entry {entry_id}"))


@app.command("verify")
def verify(ledger: LedgerOpt = None) -> None:
    """Check the hash chain; exit status 1 (and which entries) when an entry was edited or
    removed."""
    from rich.console import Console

    from grandbargain.timeline._ledger import verify_ledger

    path = _path(ledger)
    verdict = verify_ledger(path)
    if verdict.ok:
        typer.echo(f"ok: {verdict.entries} entries, chain intact; head hash {verdict.head}")
        return
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(f"[bold red]ledger broken:[/] {len(verdict.problems)} problem(s) in {path}")
    for problem in verdict.problems:
        console.print(f"  {problem}", markup=False)
    raise typer.Exit(1)


@app.command("score")
def score(outcomes: Annotated[Path, typer.Option(
              "--outcomes", help="Outcomes per issue with their dates: YAML (outcomes: "
              "[{issue, value, date}]) or CSV (issue,value,date).")],
          ledger: LedgerOpt = None, fmt: FmtOpt = Format.table, out: OutOpt = None) -> None:
    """Score every entry against outcomes dated after its scenario: MAE and hit rates (the
    scoring of `grandbargain validate`), per model and per entry."""
    from grandbargain.cli._common import emit, fail
    from grandbargain.scenario import ScenarioError
    from grandbargain.timeline._ledger import read_outcomes, score_ledger

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
    lines = [f"{document['scored']} forecasts scored from {document['entries']} entries; "
             + (f"lowest MAE: {best['model']} {best['mae']:.3f} of the scale" if best else
                "no outcome is dated after any entry's scenario"),
             "errors are shares of each issue's scale; hit_k: within k% of the scale", ""]
    widths = [max(len(str(h)), *(len(cell(r[k])) for r in rows)) for k, h in enumerate(header)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    lines += ["  ".join(cell(v).ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    emit("\n".join(lines) + "\n", out)


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
