"""Small helpers shared by the readers of table formats (CSV, TSV, Decide, KTAB, DEU)."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from pathlib import Path

from grandbargain.scenario._errors import Location, Problem, ScenarioError


def slug(text: str, fallback: str) -> str:
    """An id made from free text: letters, digits, '_', '.', '-'."""
    out = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_.-")
    return out or fallback


def stem_id(file: str) -> str:
    return slug(Path(file).stem, "scenario")


def rows(text: str, delimiter: str, quotechar: str = '"') -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each non-blank line of a delimited text."""
    reader = csv.reader(text.split("\n"), delimiter=delimiter, quotechar=quotechar)
    for fields in reader:
        if any(f.strip() for f in fields):
            yield reader.line_num, fields


class FieldReader:
    """Parses numbers out of table cells, collecting every problem with its line and column."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def number(self, raw: str, line: int, column: int, field: str) -> float | None:
        text = raw.strip().strip("'")
        try:
            value = float(text)
        except ValueError:
            what = "is empty" if not text else f"is not a number: {raw.strip()!r}"
            self.problem(line, column, field, f"{field} {what}")
            return None
        if not math.isfinite(value):
            self.problem(line, column, field, f"{field} must be a finite number, not {text}")
            return None
        return value

    def problem(self, line: int | None, column: int | None, field: str, message: str) -> None:
        self.problems.append(Problem(Location(self.file, line, column), field, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)
