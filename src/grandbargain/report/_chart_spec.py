"""Charts as plain data: what a chart shows, with no plotting library.

A `Chart` names its title, both axes (with units) and carries marks (points, lines, bubbles,
intervals), guides (the status quo and the anchors, labelled), shaded regions and at most one
heat map. Two renderers draw the same `Chart`: `_plotly.py` for the HTML report and `_mpl.py`
for the PNG figures, so both show the same numbers with the same labels. Sizes are nominal
pixels (1/100 inch in the PNGs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grandbargain.report._layout import label_width

GROUP_COLOURS = {"us": "#1f5fa8", "china": "#c0392b"}
#: Okabe-Ito, readable by colour-blind readers.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
           "#F0E442")
STATUS_QUO_COLOUR = "#d62728"
ANCHOR_COLOUR = "#8c8c8c"


@dataclass(frozen=True)
class Marks:
    """One series. `kind`: "markers", "lines", "lines+markers" or "bubbles".

    `size` is the marker diameter in pixels; `label_offsets` place each label (dx, dy) pixels
    from its point (y up), as computed by `_layout.place_labels`.
    """

    name: str
    x: tuple[Any, ...]
    y: tuple[Any, ...]
    kind: str = "markers"
    colour: str = PALETTE[0]
    size: tuple[float, ...] | None = None
    labels: tuple[str, ...] | None = None
    label_offsets: tuple[tuple[float, float], ...] | None = None
    hover: tuple[str, ...] | None = None
    opacity: float = 1.0
    symbol: str = "circle"
    dash: bool = False
    width: float = 2.0
    show_legend: bool = True
    step: bool = False  # a step function: each value holds until the next x
    base: tuple[Any, ...] | None = None  # fill down to these values (stacked areas)
    #: The series' name written just right of the plot, level with its last point (direct
    #: labelling instead of a legend), moved `end_label_dy` pixels up (y up) so that no two
    #: end labels overlap; drawn in the series' colour.
    end_label: str = ""
    end_label_dy: float = 0.0
    label_colour: str = ""  # colour of the point labels ("" = dark grey)


@dataclass(frozen=True)
class Guide:
    """A reference line across the plot at `value` on `axis` ("x" or "y"), with a short label
    at the plot's edge; the full text is in the chart's key and in `hover`."""

    axis: str
    value: Any  # a number, or an ISO date on a date axis
    label: str
    kind: str  # "status_quo" or "anchor"
    hover: str = ""


@dataclass(frozen=True)
class Region:
    """A shaded polygon (data coordinates) with a label whose lower left corner sits 4 px
    up and right of `label_at`."""

    points: tuple[tuple[float, float], ...]
    label: str
    label_at: tuple[float, float]
    colour: str = "#2ca02c"


@dataclass(frozen=True)
class Heat:
    """A heat map: z[row][col] (None = empty), with the text shown in each cell."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    z: tuple[tuple[float | None, ...], ...]
    text: tuple[tuple[str, ...], ...]
    hover: tuple[tuple[str, ...], ...]
    colour_label: str
    zmin: float = 0.0
    zmax: float = 100.0


#: Light-to-mid sequential colours (after ColorBrewer YlGnBu), dark text stays readable on all.
HEAT_SCALE = ((0.0, "#ffffd9"), (0.25, "#c7e9b4"), (0.5, "#7fcdbb"), (0.75, "#41b6c4"),
              (1.0, "#2c7fb8"))

WIDTH = 600          # nominal width (px) of the per-issue charts; the PNGs use it too
MARGIN = (84, 28, 60)  # left, right, top (px)
AXIS_PX = 50         # x tick labels and axis title under the plot
LEGEND_PX = 26
KEY_LINE_PX = 15
KEY_COLUMNS = 86


@dataclass(frozen=True)
class Chart:
    """One chart. Sizes are nominal pixels; `key` lines are printed under the plot, inside the
    figure (the anchors and the status quo spelled out)."""

    id: str
    title: str
    x_label: str
    y_label: str
    marks: tuple[Marks, ...] = ()
    guides: tuple[Guide, ...] = ()
    regions: tuple[Region, ...] = ()
    heat: Heat | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    y_categories: tuple[str, ...] | None = None
    x_whole: bool = False  # x ticks at whole numbers only (rounds)
    key: tuple[str, ...] = ()
    note: str = ""
    legend: bool = True
    plot_height: int = 280
    width: int = WIDTH
    margin_left: int = MARGIN[0]
    margin_right: int = MARGIN[1]
    axis_px: int = AXIS_PX
    source: str = ""  # the source/method line printed under the chart
    x_dates: bool = False  # x values are ISO dates
    #: (short label shown on the chart, full name, what the ends of its scale mean)
    legend_table: tuple[tuple[str, ...], ...] = ()
    legend_table_header: tuple[str, ...] = ()
    #: Where end labels start, in pixels right of the plot (clear of the guides' value labels).
    end_label_gap: float = 4.0
    #: How date ticks read: "en" (Mar 2025) or "zh" (2025年3月).
    date_labels: str = "en"

    @property
    def margins(self) -> tuple[int, int, int, int]:
        """(left, right, top, bottom) in pixels."""
        bottom = self.axis_px + self.legend_px + KEY_LINE_PX * len(self.key) \
            + (8 if self.key else 0)
        return (self.margin_left, self.margin_right, MARGIN[2], bottom)

    @property
    def legend_entries(self) -> list[Marks]:
        return [m for m in self.marks if m.show_legend] if self.legend else []

    @property
    def legend_columns(self) -> int:
        """Entries per legend row: the legend is a grid as wide as its widest entry."""
        entries = self.legend_entries
        if not entries:
            return 1
        widest = max(label_width(m.name) for m in entries) + 62
        available = self.width - self.margin_left - self.margin_right
        return max(1, min(len(entries), int(available // widest)))

    @property
    def legend_px(self) -> int:
        """Room for the legend under the axis."""
        entries = self.legend_entries
        return LEGEND_PX * -(-len(entries) // self.legend_columns) if entries else 0

    @property
    def height(self) -> int:
        _, _, top, bottom = self.margins
        return top + self.plot_height + bottom

    @property
    def plot_width(self) -> int:
        left, right, _, _ = self.margins
        return self.width - left - right
