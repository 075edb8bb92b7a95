"""Output at the edge: rich tables for the terminal (imported lazily), JSON and CSV text."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from datetime import date
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _plain(value.item())
    return value


def to_json(document: Any) -> str:
    """Stable, human-readable JSON (UTF-8 kept readable, NaN written as null)."""
    return json.dumps(_plain(document), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (f"{v:.6g}" if isinstance(v, float) else v)
                         for v in row])
    return out.getvalue()


def fmt_number(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def rich_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
               numeric: Sequence[bool] | None = None, caption: str | None = None,
               digits: int = 1):
    """A rich Table; numbers right-aligned. rich is imported here only."""
    from rich.table import Table

    table = Table(title=title, caption=caption, show_lines=False, title_justify="left")
    numeric = numeric or [False] * len(header)
    for k, (name, is_num) in enumerate(zip(header, numeric, strict=True)):
        table.add_column(name, justify="right" if is_num else "left",
                         overflow="fold", no_wrap=is_num or k == 0)
    for row in rows:
        table.add_row(*(fmt_number(v, digits) if isinstance(v, float) or v is None else str(v)
                        for v in row))
    return table
