"""The forecast ledger from Python (`grandbargain ledger ...`): record a forecast in the
append-only, hash-chained JSON Lines file, read its entries, verify the chain, score the entries
against outcomes. `ledger=None` means the command's default ($GRANDBARGAIN_LEDGER, else
ledger.jsonl in the user's data directory)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grandbargain.api._result import Result
from grandbargain.api._scenario import SourceLike

__all__ = ["LedgerEntries", "LedgerScores", "entries", "record", "score", "verify"]


def _path(ledger: str | os.PathLike[str] | None) -> Path:
    from grandbargain.timeline._ledger import default_ledger_path

    return Path(ledger) if ledger is not None else default_ledger_path()


def record(scenario: SourceLike = None, *, models: Sequence[str] | str | None = None,
           draws: int | None = None, seed: int = 0, noise: str | None = None,
           events: str | None = None, as_of: str | None = None,
           ledger: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Forecast a scenario and append the forecast to the ledger (`grandbargain ledger
    record`); returns the entry (id, hashes, the forecast document).

    >>> import tempfile, pathlib, grandbargain as gb
    >>> book = pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl"
    >>> gb.ledger.record(models=["median"], ledger=book)["id"]
    1
    >>> gb.ledger.verify(ledger=book).ok
    True
    >>> gb.ledger.entries(ledger=book).to_frame()["models"].tolist()
    ['median']
    """
    from grandbargain.api._forecast import draw_models, pick_models, run_draws, scenario_of
    from grandbargain.api._scenario import load
    from grandbargain.bottomline._forecast import with_packages
    from grandbargain.report import forecast_document
    from grandbargain.timeline._ledger import record_entry

    if events is not None or as_of is not None:
        s = load(scenario, events=events, as_of=as_of)
    else:
        s = scenario_of(scenario)
    chosen = pick_models(models)
    single = [m.forecast(s) for m in chosen]
    # as `ledger record`: the bottom line with its default draws and noise
    results, lines = with_packages(s, single, ("en",), seed=seed)
    document = {"bottom_line": lines["en"], **forecast_document(s, results, "en")}
    if draws is not None:
        from grandbargain.uncertainty._intervals import interval_summary

        sim, samples = run_draws(s, draw_models(chosen, bool(models)), draws, seed, noise,
                                 "normal")
        document = interval_summary(document, sim, samples, "en")
    options = {"draws": draws, "noise": noise, "events": events, "as_of": as_of,
               "scenario_argument": scenario if isinstance(scenario, str) or scenario is None
               else getattr(scenario, "id", str(scenario))}
    return record_entry(_path(ledger), scenario=s, forecast=document,
                        models=[r.model for r in single], options=options, seed=seed)


class LedgerEntries(Result):
    """The ledger's entries (`grandbargain ledger list --format json`): one row per entry
    (id, recorded_at, scenario, as_of, models, hash); `entry(id)` gives one in full."""

    command = "grandbargain ledger list --format json"

    def __init__(self, full: list[dict], path: Path):
        rows = [{"id": e["id"], "recorded_at": e["recorded_at"], "scenario": e["scenario"]["id"],
                 "as_of": e["scenario"].get("as_of"), "models": ",".join(e["models"]),
                 "hash": e["hash"]} for e in full]
        super().__init__(rows)
        self._full = full
        self.path = path

    def entry(self, entry_id: int) -> dict[str, Any]:
        """One entry in full (`grandbargain ledger show ID`)."""
        for e in self._full:
            if e.get("id") == entry_id:
                return e
        raise KeyError(f"no entry {entry_id} in {self.path}")

    def rows(self):
        header = ["id", "recorded_at", "scenario", "as_of", "models", "hash"]
        return header, [[r[k] for k in header] for r in self._document]

    @property
    def bottom_line(self) -> list[str]:
        head = self._document[-1]["hash"][:16] if self._document else "-"
        return [f"{len(self._document)} entries in {self.path}; head hash {head}"]


def entries(*, ledger: str | os.PathLike[str] | None = None) -> LedgerEntries:
    """Every entry of the ledger (`grandbargain ledger list` / `show`); example: `record`."""
    from grandbargain.timeline._ledger import read_ledger

    path = _path(ledger)
    full = read_ledger(path)
    for e in full:
        e.pop("_line", None)
    return LedgerEntries(full, path)


def verify(*, ledger: str | os.PathLike[str] | None = None):
    """Check the hash chain (`grandbargain ledger verify`): a verdict with `.ok`,
    `.entries`, `.problems` (which entry was edited or removed) and `.head`; example:
    `record`."""
    from grandbargain.timeline._ledger import verify_ledger

    return verify_ledger(_path(ledger))


class LedgerScores(Result):
    """Scores of the ledger's forecasts against outcomes (`grandbargain ledger score --format
    json`): `to_frame()` has one row per scored forecast (entry, issue, model, forecast,
    outcome, error); `per_model_frame()` the MAE and hit rates per model."""

    command = "grandbargain ledger score --format json"

    def rows(self):
        header = ["entry", "issue", "model", "forecast", "outcome", "error"]
        return header, [[e[k] for k in header] for e in self._document["errors"]]

    def per_model_frame(self):
        from grandbargain.api._result import require_pandas

        return require_pandas().DataFrame(self._document["per_model"])

    def compact(self):
        rows = self._document["per_model"]
        header = list(rows[0]) if rows else ["model"]
        return header, [[r[k] for k in header] for r in rows]

    @property
    def bottom_line(self) -> list[str]:
        d = self._document
        best = min((r for r in d["per_model"] if r["mae"] is not None),
                   key=lambda r: r["mae"], default=None)
        return [f"{d['scored']} forecasts scored from {d['entries']} entries; "
                + (f"lowest MAE: {best['model']} {best['mae']:.3f} of the scale" if best
                   else "no outcome is dated after any entry's scenario")]


def score(*, outcomes: str | os.PathLike[str],
          ledger: str | os.PathLike[str] | None = None) -> LedgerScores:
    """Score every entry against outcomes dated after its scenario (`grandbargain ledger
    score --outcomes FILE`): MAE and hit rates, per model and per entry. `outcomes`: YAML
    (outcomes: [{issue, value, date}]) or CSV (issue,value,date); only outcomes dated after an
    entry's scenario score it. `to_frame()`: one row per scored forecast (signed error as a
    share of the scale)."""
    from grandbargain.timeline._ledger import read_outcomes, score_ledger

    known = read_outcomes(outcomes)
    return LedgerScores(score_ledger(entries(ledger=ledger)._full, known))
