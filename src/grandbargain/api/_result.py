"""Results for notebooks: the document a command prints with `--format json`, as `.to_dict()`,
a tidy pandas frame (`.to_frame()`) and a compact HTML table with the bottom line first."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

PANDAS_MISSING = ("pandas is needed for .to_frame(): install it with "
                  "pip install 'grandbargain[pandas]' (or pip install pandas)")


def require_pandas():
    """The pandas module, or an ImportError that says how to get it."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(PANDAS_MISSING) from exc
    return pandas


def plain(document: Any) -> Any:
    """The document exactly as `--format json` prints it (dates as text, no numpy types)."""
    from grandbargain.report import to_json

    return json.loads(to_json(document))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]], limit: int = 30) -> str:
    """A plain HTML table (no pandas needed), at most `limit` rows with a note on the rest."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
                   + "</tr>" for row in rows[:limit])
    more = (f"<p><i>... {len(rows) - limit} more rows (.to_frame() has all)</i></p>"
            if len(rows) > limit else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


class Result:
    """What a `grandbargain` function returns: its document, a tidy frame and a compact view.

    `to_dict()` is the document the matching command prints with `--format json`;
    `to_frame()` is a tidy pandas DataFrame (the rows are named in each subclass);
    `bottom_line` is the answer in a few lines, shown first in a notebook.
    """

    command = ""  # the command line that prints the same document

    def __init__(self, document: Mapping[str, Any] | list, lang: str = "en"):
        self._document = plain(document)
        self.lang = lang

    def to_dict(self) -> Any:
        """The document `--format json` prints (a fresh copy: edit it freely)."""
        return json.loads(json.dumps(self._document))

    def rows(self) -> tuple[list[str], list[list[Any]]]:
        """The tidy table as a header and rows (what `to_frame` builds its frame from)."""
        raise NotImplementedError

    def to_frame(self):
        """A tidy pandas DataFrame of the result (needs pandas)."""
        pandas = require_pandas()
        header, rows = self.rows()
        return pandas.DataFrame(rows, columns=header)

    @property
    def bottom_line(self) -> list[str]:
        """The answer first: a few plain sentences."""
        return []

    def compact(self) -> tuple[list[str], list[list[Any]]]:
        """The table shown in a notebook (default: the tidy rows)."""
        return self.rows()

    def _repr_html_(self) -> str:
        lines = self.bottom_line
        top = "".join(f"<p><b>{html.escape(line)}</b></p>" if k == 0 else
                      f"<p>{html.escape(line)}</p>" for k, line in enumerate(lines))
        return f"<div>{top}{html_table(*self.compact())}</div>"

    def __repr__(self) -> str:
        lines = self.bottom_line
        first = next((line for line in lines if len(line) > 30), lines[0] if lines else "")
        if len(first) > 120:
            first = first[:117] + "..."
        return f"<{type(self).__name__}: {first}>" if first else f"<{type(self).__name__}>"
