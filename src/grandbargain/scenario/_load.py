"""Reading a scenario from a file or from the scenarios shipped inside the package."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from grandbargain.scenario._errors import Location, ScenarioError
from grandbargain.scenario._merge import merge_documents
from grandbargain.scenario._model import Scenario

MAX_BYTES = 50 * 1024 * 1024
DEFAULT_SCENARIO = "us-china-2025-07"

Reader = Callable[..., tuple[dict[str, Any], dict[tuple, Location]]]


def _readers() -> dict[str, Reader]:
    from grandbargain.scenario._bdm import read_bdm
    from grandbargain.scenario._decide import read_decide
    from grandbargain.scenario._deu import read_deu
    from grandbargain.scenario._ktab import read_ktab
    from grandbargain.scenario._yaml import parse_yaml

    return {
        "yaml": lambda text, file, **_: parse_yaml(text, file),
        "bdm-csv": lambda text, file, **kw: read_bdm(text, file, delimiter=",", **kw),
        "bdm-tsv": lambda text, file, **kw: read_bdm(text, file, delimiter="\t", **kw),
        "ktab": read_ktab,
        "decide": read_decide,
        "deu": read_deu,
    }


FORMATS = ("yaml", "bdm-csv", "bdm-tsv", "ktab", "decide", "deu")
_OPTIONS = {"bdm-csv": {"scale"}, "bdm-tsv": {"scale"}, "deu": {"capabilities"}}


def read_text(path: Path) -> str:
    """The file's text as UTF-8 (a byte-order mark and CR or CRLF line ends accepted)."""
    file = str(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise ScenarioError.single(file, "no such file") from None
    except OSError as exc:
        raise ScenarioError.single(file, f"cannot read: {exc.strerror}") from None
    if path.is_dir():
        raise ScenarioError.single(file, "is a folder, not a file")
    if size > MAX_BYTES:
        raise ScenarioError.single(file, f"the file is {size / 2**20:.1f} MB; the limit is "
                                   f"{MAX_BYTES // 2**20} MB")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError.single(file, f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise ScenarioError.single(file, "the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError.single(
            file, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded "
            "(save the file as UTF-8)", line=line, column=column) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ScenarioError.single(file, "the file holds NUL bytes: it is not a text file",
                                   line=line)
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_format(path: Path, text: str) -> str:
    """The format of a file, from its extension and, for tables, its first lines."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return "yaml"
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("'#") or first.startswith("#A") or first.startswith('"#'):
        return "decide"
    if ";" in first and {"rp", "out"} <= {c.strip().lower() for c in first.split(";")}:
        return "deu"
    lines = text.lstrip().split("\n")
    if len(lines) > 1 and lines[1].lower().lstrip().startswith("actor,"):
        fields = [f.strip() for f in next(csv.reader([first]), [])]
        if len(fields) >= 4 and fields[2].isdigit() and fields[3].isdigit():
            return "ktab"
    if suffix in (".csv",):
        return "bdm-csv"
    if suffix in (".tsv", ".txt", ".tab"):
        return "bdm-tsv"
    return "yaml"


def builtin_path(name: str) -> Path | None:
    """The shipped scenario file with this id, if there is one."""
    candidate = resources.files("grandbargain.scenario") / "data" / f"{name}.yaml"
    return Path(str(candidate)) if candidate.is_file() else None


def builtin_scenarios() -> list[str]:
    """Ids of the scenarios shipped inside the package."""
    folder = resources.files("grandbargain.scenario") / "data"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _read_document(path: Path, fmt: str | None, options: dict[str, Any],
                   seen: tuple[Path, ...] = ()) -> tuple[Any, dict]:
    text = read_text(path)
    fmt = fmt or sniff_format(path, text)
    if fmt not in FORMATS:
        raise ScenarioError.single(str(path), f"unknown format '{fmt}' (known: "
                                   f"{', '.join(FORMATS)})")
    unused = set(options) - _OPTIONS.get(fmt, set())
    if unused:
        raise ScenarioError.single(str(path), f"option(s) {', '.join(sorted(unused))} do not "
                                   f"apply to the {fmt} format")
    data, locator = _readers()[fmt](text, str(path), **options)
    if fmt == "yaml" and isinstance(data, dict) and data.get("extends") is not None:
        data, locator = _resolve_extends(path, data, locator, (*seen, path.resolve()))
    return data, locator


def _resolve_extends(path: Path, data: dict, locator: dict,
                     seen: tuple[Path, ...]) -> tuple[Any, dict]:
    target = data["extends"]
    where = locator.get(("extends",), Location(str(path)))
    if not isinstance(target, str) or not target.strip():
        raise ScenarioError.single(str(path), "extends must name a shipped scenario or a file",
                                   line=where.line, field="extends")
    base_path = builtin_path(target) or (path.parent / target)
    if not base_path.is_file():
        raise ScenarioError.single(
            str(path), f"extends '{target}': no shipped scenario and no file of that name "
            f"(shipped: {', '.join(builtin_scenarios())})", line=where.line, field="extends")
    if base_path.resolve() in seen:
        raise ScenarioError.single(str(path), f"extends '{target}' loops back to itself",
                                   line=where.line, field="extends")
    base, base_loc = _read_document(base_path, "yaml", {}, seen)
    if not isinstance(base, dict):
        raise ScenarioError.single(str(base_path), "the file must hold a mapping", line=1)
    return merge_documents(base, base_loc, data, locator)


def load_scenario(source: str | os.PathLike[str] | None = None, *, format: str | None = None,
                  **options: Any) -> Scenario:
    """Load a scenario from a file path or a shipped scenario id (default: the US-China case).

    `format` is one of FORMATS (default: from the extension and the first lines). Options:
    `scale=(min, max)` for BDM tables, `capabilities={actor: weight}` for DEU tables.
    Raises ScenarioError with every problem found.
    """
    name = DEFAULT_SCENARIO if source is None else os.fspath(source)
    path = Path(name)
    if not path.exists():
        shipped = builtin_path(name)
        if shipped is not None:
            path = shipped
        elif not path.suffix:
            raise ScenarioError.single(name, "no such file, and no shipped scenario of that "
                                       f"name (shipped: {', '.join(builtin_scenarios())})")
    # The format's models (pydantic) and the YAML reader load here, not at import: the CLI
    # starts without them.
    from grandbargain.scenario._schema import validate_document
    from grandbargain.scenario._yaml import gc_paused

    with gc_paused():
        data, locator = _read_document(path, format, options)
        return validate_document(data, locator, str(path))


def require_stances(scenario: Scenario, command: str = "this command") -> None:
    """Refuse, with a located error, a scenario whose actors state no stance (a deals-only file
    with principals loads, but there is nothing for a model to forecast)."""
    if not scenario.stances:
        raise ScenarioError.single(
            scenario.source or scenario.id, f"no actor has a stance on any issue: {command} "
            "has nothing to forecast (add `stances: {actor: {issue: {position: ..., "
            "salience: ...}}}`)", field="stances")
