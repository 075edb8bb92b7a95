"""Problems found in an input file, each with where it is and what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where in a file something stands; line and column count from 1."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: where, which field, and what.

    `kind` and `details` say the same as `message` for programs (e.g. `outside_scale` with
    the value and the scale's ends), so that a page can word it in its own language; they are
    left out of equality and of the printed text. Empty where the reader gives none."""

    location: Location
    field: str
    message: str
    kind: str = _field(default="", compare=False)
    details: Mapping[str, Any] = _field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        field = f" [{self.field}]" if self.field else ""
        return f"{self.location}{field}: {self.message}"


class ScenarioError(Exception):
    """An input that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, message: str, *, line: int | None = None,
               column: int | None = None, field: str = "") -> ScenarioError:
        return cls([Problem(Location(file, line, column), field, message)])


def locate(locator: Mapping[tuple[Any, ...], Location], path: tuple[Any, ...],
           default_file: str) -> Location:
    """The location of the longest prefix of `path` that the locator knows."""
    for end in range(len(path), -1, -1):
        loc = locator.get(tuple(path[:end]))
        if loc is not None:
            return loc
    return Location(default_file)
