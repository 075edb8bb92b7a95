"""The forecast ledger: an append-only, hash-chained record of what the tool forecast, when.

Storage: JSON Lines, one entry a line (docs/decisions.md TL-05), or the store (store/, TL-06)
when one exists and no file is named: `StoreLedger` stands where a file path stands. Each entry
holds the date it was recorded, the scenario's canonical hash, the tool version, models and
options, the seed, the forecast document (what `forecast --format json` prints) and `prev_hash`,
the SHA-256 of the previous entry; its own `hash` is the SHA-256 of its canonical JSON without
`hash`. Editing or removing an entry breaks the chain (`verify_ledger` says where). Appends take
an exclusive lock on the file, write one line and fsync, so concurrent `record` calls never
interleave.

Scoring (`score_ledger`) builds `validate`'s `Score` records and summarises them with its
`summarise`: the same errors and hit rates as `grandbargain validate`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from grandbargain._lang import say
from grandbargain.scenario._errors import Location, Problem, ScenarioError

GENESIS = "0" * 64
LEDGER_ENV = "GRANDBARGAIN_LEDGER"


class StoreLedger:
    """The ledger kept in the store (store/_ledger.py): same entries, chain and verify. Printed
    as the store's URL with any password hidden."""

    def __init__(self, url: str | None = None):
        self.url = url

    def _store(self) -> Any:
        from grandbargain.store import open_store

        return open_store(self.url)

    def __str__(self) -> str:
        from grandbargain.store import default_database_url, redact_url

        return f"the store {redact_url(self.url or default_database_url())}"

    def append(self, body: dict[str, Any]) -> dict[str, Any]:
        from grandbargain.store._ledger import append

        return append(self._store(), body, entry_hash, canonical_json)

    def entries(self) -> list[dict[str, Any]]:
        from grandbargain.store._ledger import entries

        return entries(self._store())

    def import_entries(self, entries: Sequence[dict[str, Any]]) -> tuple[int, int]:
        from grandbargain.store._ledger import import_entries

        return import_entries(self._store(), entries, canonical_json)


def _store_ready() -> bool:
    from importlib.util import find_spec

    from grandbargain.store._db import store_exists

    return store_exists() and find_spec("sqlalchemy") is not None


def default_ledger_path() -> Path | StoreLedger:
    """GRANDBARGAIN_LEDGER if set; else the store when one exists (GRANDBARGAIN_DATABASE_URL,
    or the server's SQLite file, with the [server] extra installed); else ledger.jsonl in the
    user's data directory."""
    if os.environ.get(LEDGER_ENV):
        return Path(os.environ[LEDGER_ENV])
    if _store_ready():
        return StoreLedger()
    from platformdirs import user_data_dir

    return Path(user_data_dir("grandbargain", appauthor=False)) / "ledger.jsonl"


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, dates as ISO text, non-ASCII kept: the bytes that get hashed."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_plain, allow_nan=False)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot hash a {type(value).__name__}")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scenario_hash(scenario: Any) -> str:
    """SHA-256 of the scenario's canonical document (every number and text; not its file path)."""
    from grandbargain.scenario._export import scenario_to_document

    return sha256(canonical_json(scenario_to_document(scenario)))


def entry_hash(entry: Mapping[str, Any]) -> str:
    return sha256(canonical_json({k: v for k, v in entry.items() if k != "hash"}))


def _finite(value: Any) -> Any:
    """NaN and infinities become None (JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


@contextmanager
def _locked(path: Path) -> Iterator[Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: msvcrt locks a byte range
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield handle
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _last_line(handle: Any) -> bytes:
    handle.seek(0, os.SEEK_END)
    end = handle.tell()
    if end == 0:
        return b""
    block, data = 4096, b""
    position = end
    while position > 0:
        step = min(block, position)
        position -= step
        handle.seek(position)
        data = handle.read(step) + data
        if data.rstrip(b"\n").count(b"\n") >= 1:
            break
    return data.rstrip(b"\n").rsplit(b"\n", 1)[-1]


def record_entry(path: Path | StoreLedger, *, scenario: Any, forecast: Mapping[str, Any],
                 models: Sequence[str], options: Mapping[str, Any], seed: int | None,
                 recorded_at: datetime | None = None) -> dict[str, Any]:
    """Append one entry under an exclusive lock (write, flush, fsync) and return it."""
    from grandbargain import __version__

    body = {
        "recorded_at": (recorded_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "scenario": {"id": scenario.id, "as_of": scenario.as_of.isoformat()
                     if scenario.as_of else None, "source": scenario.source,
                     "hash": scenario_hash(scenario)},
        "tool_version": __version__,
        "models": list(models),
        "options": dict(options),
        "seed": seed,
        "forecast": _finite(json.loads(json.dumps(forecast, default=_plain))),
    }
    if isinstance(path, StoreLedger):
        return path.append(body)
    with _locked(path) as handle:
        last = _last_line(handle)
        if last:
            try:
                previous = json.loads(last)
                prev_hash, prev_id = previous["hash"], int(previous["id"])
            except (ValueError, KeyError, TypeError):
                raise ScenarioError.single(str(path), "the last line is not a ledger entry: run "
                                           "`grandbargain ledger verify`") from None
        else:
            prev_hash, prev_id = GENESIS, 0
        entry = {"id": prev_id + 1, **body, "prev_hash": prev_hash}
        entry["hash"] = entry_hash(entry)
        handle.seek(0, os.SEEK_END)
        handle.write((canonical_json(entry) + "\n").encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def read_ledger(path: Path | StoreLedger) -> list[dict[str, Any]]:
    """Every entry; a line that is not JSON is a located error."""
    if isinstance(path, StoreLedger):
        return path.entries()
    if not path.is_file():
        return []
    entries, problems = [], []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict):
                    raise ValueError
            except ValueError:
                problems.append(Problem(Location(str(path), number), "",
                                        _say("not_json", "en")))
                continue
            entry["_line"] = number
            entries.append(entry)
    if problems:
        raise ScenarioError(problems)
    return entries


@dataclass(frozen=True)
class Verdict:
    entries: int
    problems: tuple[Problem, ...]
    head: str  # hash of the last entry

    @property
    def ok(self) -> bool:
        return not self.problems


_VERIFY_WORDS = {
    "entry": ("entry {n}", "第 {n} 筆"),
    "entries": ("entries {a}-{b}", "第 {a} 至 {b} 筆"),
    "edited": ("edited: its content does not match its hash", "已被修改：內容與其雜湊不符"),
    "missing": ("{gap} missing (removed) before this one", "此筆之前缺少{gap}（已被刪除）"),
    "sequence": ("id {id} out of sequence (expected {expected})",
                 "編號 {id} 不按順序（應為 {expected}）"),
    "chain": ("prev_hash does not match entry {prev}'s hash: entry {prev} was edited or replaced",
              "prev_hash 與第 {prev} 筆的雜湊不符：第 {prev} 筆已被修改或替換"),
    "not_json": ("not a ledger entry (not a JSON object)", "不是帳本紀錄（不是 JSON 物件）"),
}


def _say(key: str, lang: str, **values: Any) -> str:
    return say(_VERIFY_WORDS, key, lang, **values)


def verify_ledger(path: Path | StoreLedger, lang: str = "en") -> Verdict:
    """Check every entry's own hash, the chain of prev_hash and the id sequence. Says which entry
    was edited or where one was removed, in `lang` (en or zh). (Removing the last entries leaves
    a valid shorter chain: compare the head hash with one noted earlier.)"""
    try:
        entries = read_ledger(path)
    except ScenarioError as exc:
        if lang == "zh":
            return Verdict(0, tuple(Problem(p.location, p.field, _say("not_json", lang))
                                    if p.message == _say("not_json", "en") else p
                                    for p in exc.problems), "")
        return Verdict(0, exc.problems, "")
    problems = []
    prev_hash, prev_id = GENESIS, 0
    for entry in entries:
        where = Location(str(path), entry.pop("_line"))
        ident = entry.get("id")
        stored = entry.get("hash")
        field = _say("entry", lang, n=ident)
        if stored != entry_hash(entry):
            problems.append(Problem(where, field, _say("edited", lang)))
        if ident != prev_id + 1:
            gap = (_say("entries", lang, a=prev_id + 1, b=ident - 1) if isinstance(ident, int)
                   and ident > prev_id + 2 else _say("entry", lang, n=prev_id + 1))
            problems.append(Problem(where, field, _say("missing", lang, gap=gap)
                                    if isinstance(ident, int) and ident > prev_id
                                    else _say("sequence", lang, id=repr(ident),
                                              expected=prev_id + 1)))
        elif entry.get("prev_hash") != prev_hash:
            problems.append(Problem(where, field, _say("chain", lang, prev=prev_id)))
        prev_hash = stored if isinstance(stored, str) else ""
        prev_id = ident if isinstance(ident, int) else prev_id + 1
    return Verdict(len(entries), tuple(problems), prev_hash if entries else GENESIS)


@dataclass(frozen=True)
class Imported:
    """What `import_ledger` did: entries added and skipped (already there), the file's head."""

    added: int
    skipped: int
    head: str


def import_ledger(path: Path, target: StoreLedger) -> Imported:
    """Copy a JSON Lines ledger into the store as it is: same ids, hashes and chain, so the
    store's ledger verifies and its head hash is the file's. The file's chain is verified first:
    a broken one is refused with its located problems and nothing is imported. Entries already
    in the store are skipped (running it again adds nothing); a different entry at one of the
    file's ids (the ledgers have diverged) is refused, located at the file's line (TL-08)."""
    from grandbargain.store._ledger import ChainConflict

    file = str(path)
    if not path.is_file():
        raise ScenarioError.single(file, "file not found" if not path.exists()
                                   else "is a folder, not a ledger file")
    verdict = verify_ledger(path)
    if not verdict.ok:
        raise ScenarioError([*verdict.problems, Problem(
            Location(file), "", "the chain is broken: nothing imported (`grandbargain ledger "
            "verify --ledger FILE` says the same)")])
    entries = read_ledger(path)
    lines = {entry["id"]: entry.pop("_line") for entry in entries}
    bad = [Problem(Location(file, lines[e["id"]]), f"entry {e['id']}", "recorded_at is not text")
           for e in entries if not isinstance(e.get("recorded_at"), str)]
    if bad:
        raise ScenarioError(bad)
    try:
        added, skipped = target.import_entries(entries)
    except ChainConflict as exc:
        raise ScenarioError([Problem(Location(file, lines.get(exc.entry_id)),
                                     f"entry {exc.entry_id}", exc.reason)]) from None
    return Imported(added, skipped, verdict.head)


@dataclass(frozen=True)
class Outcome:
    issue: str
    value: float
    date: date


def read_outcomes(path: str | Path) -> list[Outcome]:
    """Outcomes per issue with their dates: YAML (`outcomes: [{issue, value, date}]`) or CSV
    (columns issue,value,date). Problems are located errors."""
    from grandbargain.scenario._load import read_text
    from grandbargain.timeline._format import Checker

    file = str(path)
    text = read_text(Path(path))
    if Path(path).suffix.lower() == ".csv":
        import csv

        rows = list(csv.DictReader(text.splitlines()))
        data: Any = {"outcomes": rows}
        locator = {("outcomes", k): Location(file, k + 2) for k in range(len(rows))}
        numbers_as_text = True
    else:
        from grandbargain.scenario._yaml import parse_yaml

        data, locator = parse_yaml(text, file)
        numbers_as_text = False
    c = Checker(file, locator)
    top = c.mapping(data, (), {"outcomes", "description"}, ("outcomes",))
    out = []
    items = top.get("outcomes") if top else None
    if top is not None and (not isinstance(items, list) or not items):
        c.problem(("outcomes",), "expected a non-empty list of outcomes")
    for k, item in enumerate(items if isinstance(items, list) else []):
        path_ = ("outcomes", k)
        m = c.mapping(item, path_, {"issue", "value", "date", "note"}, ("issue", "value", "date"))
        if m is None:
            continue
        raw = m.get("value")
        if numbers_as_text and isinstance(raw, str):
            with suppress(ValueError):
                raw = float(raw)
        value = c.real(raw, (*path_, "value"))
        when = c.day(m.get("date"), (*path_, "date"))
        issue = c.word(m.get("issue"), (*path_, "issue"))
        if value is not None and when is not None and issue:
            out.append(Outcome(issue, value, when))
    if c.problems:
        raise ScenarioError(c.problems)
    return out


def ledger_scores(entries: Sequence[Mapping[str, Any]], outcomes: Sequence[Outcome]) -> list:
    """validate's Score records: every entry's every model against each issue's first outcome
    dated after the entry's scenario as_of (an outcome known when the forecast was made is not
    a test of it). `case` is the entry id, `reading` the issue."""
    from grandbargain.validate._scoring import Score

    scores = []
    for entry in entries:
        document = entry["forecast"]
        as_of = entry["scenario"].get("as_of") or entry["recorded_at"][:10]
        labels = {m["name"]: m.get("label", m["name"]) for m in document.get("models", [])}
        for issue in document.get("issues", []):
            later = sorted((o for o in outcomes if o.issue == issue["id"]
                            and o.date.isoformat() > as_of), key=lambda o: o.date)
            if not later:
                continue
            low, high = issue["scale"]
            for model, value in issue["forecasts"].items():
                scores.append(Score(str(entry["id"]), issue["id"], True, model,
                                    labels.get(model, model), "model", value, later[0].value,
                                    low, high))
    return scores


def score_ledger(entries: Sequence[Mapping[str, Any]], outcomes: Sequence[Outcome]
                 ) -> dict[str, Any]:
    """MAE, median AE and hit rates per model (all entries) and per entry and model."""
    from grandbargain.validate._scoring import HIT_THRESHOLDS, summarise

    scores = ledger_scores(entries, outcomes)

    def rows(summaries) -> list[dict[str, Any]]:
        return [{"model": s.model, "n": s.n, "missing": s.missing, "mae": s.mae,
                 "median_ae": s.median_ae,
                 **{f"hit_{round(t * 100)}": s.hit_rate(k) for k, t in
                    enumerate(HIT_THRESHOLDS)}} for s in summaries]

    per_entry = []
    for entry in entries:
        mine = [s for s in scores if s.case == str(entry["id"])]
        if mine:
            per_entry.append({"entry": entry["id"], "recorded_at": entry["recorded_at"],
                              "scenario": entry["scenario"]["id"],
                              "as_of": entry["scenario"].get("as_of"),
                              "models": rows(summarise(mine))})
    return {"scored": len(scores), "entries": len(entries), "per_model": rows(summarise(scores)),
            "per_entry": per_entry,
            "errors": [{"entry": s.case, "issue": s.reading, "model": s.model,
                        "forecast": s.forecast, "outcome": s.outcome, "error": s.error}
                       for s in scores]}
