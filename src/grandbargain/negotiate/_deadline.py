"""Deadlines: a number of rounds, or a date reached at a pace of rounds per week.

A date deadline (e.g. a truce expiry such as 2025-08-12) counts from the scenario's as_of date:
rounds = floor(days / 7 * pace), at least 1 (decision NEG-001). The default pace is one round
a working day, five a week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import floor

DEFAULT_PACE = 5.0  # rounds per week
MAX_ROUNDS = 100_000


@dataclass(frozen=True)
class Deadline:
    """`rounds` rounds; when built from a date, the date, the start and the pace too."""

    rounds: int
    date: date | None = None
    start: date | None = None
    pace: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.rounds, int) or not 1 <= self.rounds <= MAX_ROUNDS:
            raise ValueError(f"a deadline must be 1 to {MAX_ROUNDS:,} rounds, got {self.rounds}")

    @classmethod
    def by_date(cls, start: date | None, end: date, pace: float = DEFAULT_PACE) -> Deadline:
        """The rounds between `start` (the scenario's as_of) and `end` at `pace` a week."""
        if start is None:
            raise ValueError("a date deadline counts from the scenario's as_of date, and this "
                             "scenario has none: give --deadline a number of rounds")
        if not (pace > 0 and pace <= 7 * 24):
            raise ValueError(f"the pace must be above 0 and at most 168 rounds a week, got "
                             f"{pace:g}")
        days = (end - start).days
        if days <= 0:
            raise ValueError(f"the deadline {end.isoformat()} is not after the scenario's "
                             f"as_of date {start.isoformat()}")
        return cls(max(1, min(MAX_ROUNDS, floor(days / 7 * pace))), end, start, pace)

    def round_date(self, k: int) -> date | None:
        """The calendar date of round k (1-based), when the deadline is a date."""
        if self.date is None or self.start is None or self.pace is None:
            return None
        from datetime import timedelta

        return self.start + timedelta(days=k * 7 / self.pace)

    def text(self, lang: str = "en") -> str:
        if self.date is None:
            return f"{self.rounds} 輪" if lang == "zh" else f"{self.rounds} rounds"
        if lang == "zh":
            return (f"{self.date.isoformat()}（自 {self.start} 起每週 {self.pace:g} 輪，"
                    f"共 {self.rounds} 輪）")
        return (f"{self.date.isoformat()} ({self.rounds} rounds at {self.pace:g} a week from "
                f"{self.start})")


def parse_deadline(text: str, start: date | None, pace: float = DEFAULT_PACE) -> Deadline:
    """A number of rounds ('40') or an ISO date ('2025-08-12'); ValueError if neither."""
    text = text.strip()
    if text.isdigit():
        return Deadline(int(text))
    try:
        end = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a number of rounds or a date YYYY-MM-DD, got '{text}'") \
            from None
    return Deadline.by_date(start, end, pace)
