"""Partner trade figures: the shipped 2024 table and any user CSV, read with located errors."""

from __future__ import annotations

import csv
import math
from functools import partial
from importlib import resources
from pathlib import Path

from grandbargain.scenario._errors import Location, Problem, ScenarioError
from grandbargain.trade._formula import Partner

SHIPPED_FILE = "us_goods_trade_2024.csv"

# Accepted header names (case-insensitive) for each field; the first is the canonical one.
COLUMNS: dict[str, tuple[str, ...]] = {
    "partner": ("partner", "country"),
    "imports": ("imports", "us_imports", "us_imports_2024_busd"),
    "exports": ("exports", "us_exports", "us_exports_2024_busd"),
    "services_imports": ("services_imports", "us_services_imports"),
    "services_exports": ("services_exports", "us_services_exports"),
    "published_charged": ("published_charged", "published_tariffs_charged_to_usa_pct"),
    "published_reciprocal": ("published_reciprocal", "published_reciprocal_tariff_pct"),
    "note": ("note",),
    "source": ("source",),
}
REQUIRED = ("partner", "imports", "exports")
_BY_NAME = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}


def shipped_partners() -> tuple[Partner, ...]:
    """US goods trade in 2024 with 18 partners (US Census, $bn) and the 2 April 2025 chart."""
    text = resources.files("grandbargain.trade").joinpath("data", SHIPPED_FILE).read_text(
        encoding="utf-8")
    return parse_partners(text, f"grandbargain/trade/data/{SHIPPED_FILE}")


def read_partners(path: str | Path) -> tuple[Partner, ...]:
    """Partners from a CSV file: partner, imports, exports, optional services and chart rates."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError.single(name, "file not found") from None
    except IsADirectoryError:
        raise ScenarioError.single(name, "is a folder, not a CSV file") from None
    except OSError as exc:
        raise ScenarioError.single(name, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError.single(name, "not UTF-8 text (save the CSV as UTF-8)",
                                   line=line) from None
    return parse_partners(text, name)


def parse_partners(text: str, file: str) -> tuple[Partner, ...]:
    """Parse partner CSV text; every problem is collected with its line, column and field."""
    problems: list[Problem] = []

    def problem(line: int | None, column: int | None, field: str, message: str) -> None:
        problems.append(Problem(Location(file, line, column), field, message))

    reader = csv.reader(text.splitlines())
    rows = [(reader.line_num, fields) for fields in _safe_rows(reader, file)
            if any(f.strip() for f in fields)]
    if not rows:
        raise ScenarioError.single(file, "the file is empty: expected a header line "
                                   "'partner,imports,exports' and one line per partner", line=1)
    header_line, header = rows[0]
    columns: dict[str, int] = {}
    for index, raw_name in enumerate(header):
        name = raw_name.strip().lower()
        key = _BY_NAME.get(name)
        if key is None:
            known = ", ".join(aliases[0] for aliases in COLUMNS.values())
            problem(header_line, index + 1, raw_name.strip(),
                    f"unknown column {raw_name.strip()!r} (known: {known})")
        elif key in columns:
            problem(header_line, index + 1, key, f"column {key!r} appears twice "
                    f"(first in column {columns[key] + 1})")
        else:
            columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            problem(header_line, None, key, f"missing the {key!r} column")
    if ("services_imports" in columns) != ("services_exports" in columns):
        have, lack = (("services_imports", "services_exports") if "services_imports" in columns
                      else ("services_exports", "services_imports"))
        problem(header_line, columns[have] + 1, lack,
                f"{have!r} needs its pair {lack!r}: services trade counts both ways")
    if problems:
        raise ScenarioError(problems)
    if len(rows) == 1:
        raise ScenarioError.single(file, "no partner lines after the header", line=header_line)

    partners: list[Partner] = []
    seen: dict[str, int] = {}
    for line, fields in rows[1:]:
        if len(fields) > len(header):
            problem(line, len(header) + 1, "", f"{len(fields)} fields but the header has "
                    f"{len(header)} (a comma in a name needs quotes)")
            continue
        cells = {key: (fields[i] if i < len(fields) else None) for key, i in columns.items()}
        count = len(problems)
        name = (cells["partner"] or "").strip()
        if not name:
            problem(line, columns["partner"] + 1, "partner", "partner name is empty")
        elif name.lower() in seen:
            problem(line, columns["partner"] + 1, "partner",
                    f"partner {name!r} already given on line {seen[name.lower()]}")
        else:
            seen[name.lower()] = line

        cell = partial(_number, cells, columns, line, problem)
        imports = cell("imports", required=True, positive=True)
        exports = cell("exports", required=True)
        services_imports = cell("services_imports", required=False)
        services_exports = cell("services_exports", required=False)
        if "services_imports" in columns:
            filled = [(key, cells[key]) for key in ("services_imports", "services_exports")]
            blank = [key for key, raw in filled if raw is None or not raw.strip()]
            if len(blank) == 1:
                problem(line, columns[blank[0]] + 1, blank[0],
                        f"{blank[0]} is empty while its pair is given (fill both or neither)")
        charged = cell("published_charged", required=False)
        reciprocal = cell("published_reciprocal", required=False)
        if len(problems) > count:
            continue
        partners.append(Partner(
            name=name, imports=imports, exports=exports,  # type: ignore[arg-type]
            services_imports=services_imports, services_exports=services_exports,
            published_charged=charged, published_reciprocal=reciprocal,
            note=(cells.get("note") or "").strip(), source=(cells.get("source") or "").strip(),
            line=line))
    if problems:
        raise ScenarioError(problems)
    return tuple(partners)


def _number(cells: dict, columns: dict[str, int], line: int, problem, key: str, *,
            required: bool, positive: bool = False) -> float | None:
    """A number cell, or None (blank optional cell, or a problem recorded)."""
    if key not in columns:
        return None
    column = columns[key] + 1
    raw = cells[key]
    if raw is None:
        problem(line, column, key, f"the line ends before the {key!r} column")
        return None
    text_value = raw.strip()
    if not text_value:
        if required:
            problem(line, column, key, f"{key} is empty")
        return None
    try:
        if "_" in text_value:  # float() takes 1_000; a table cell should not
            raise ValueError
        value = float(text_value)
    except ValueError:
        problem(line, column, key, f"{key} is not a number: {text_value!r}")
        return None
    if not math.isfinite(value):
        problem(line, column, key, f"{key} must be a finite number, not {text_value}")
    elif positive and value <= 0:
        problem(line, column, key, f"{key} must be above 0 (the formula divides by "
                f"imports), got {text_value}")
    elif value < 0:
        problem(line, column, key, f"{key} cannot be negative, got {text_value}")
    else:
        return value
    return None


def _safe_rows(reader, file: str):
    try:
        yield from reader
    except csv.Error as exc:
        raise ScenarioError.single(file, f"CSV error: {exc}", line=reader.line_num) from None
