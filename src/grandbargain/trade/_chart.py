"""The tariff stack over time as a PNG: one panel per imposer, layers stacked as steps.
matplotlib is imported only when a chart is drawn (optional extra `report`)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from grandbargain.trade._documents import PARTY_EN, PARTY_ZH
from grandbargain.trade._events import TariffEvents
from grandbargain.trade._stack import stack_series

COLOURS = ("#c0392b", "#e67e22", "#2980b9", "#16a085", "#8e44ad", "#7f8c8d", "#d35400",
           "#27ae60", "#2c3e50", "#f1c40f")


def series_table(events: TariffEvents, imposer: str, product: str, start: date, end: date
                 ) -> tuple[list[date], list[str], list[list[float]]]:
    """Step dates, layer labels and each layer's rate at each step (for the chart and tests)."""
    series = stack_series(events, imposer, product, start, end)
    layers = [la.layer for la in series[0].layers] if series else []
    rates = [[next(x.rate for x in s.layers if x.layer.id == layer.id) for s in series]
             for layer in layers]
    return [s.on for s in series], [layer.id for layer in layers], rates


def draw_stack_png(events: TariffEvents, product: str, start: date, end: date, path: Path,
                   lang: str = "en") -> None:
    """Write the chart; raises RuntimeError when matplotlib (or a CJK font for zh) is missing."""
    from grandbargain.report._mpl import font_families, require_matplotlib

    matplotlib, Figure = require_matplotlib()
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    imposers = [i for i in events.imposers() if product in events.product_ids(i)]
    with matplotlib.rc_context({"font.family": font_families(lang), "font.size": 8.5,
                                "axes.unicode_minus": False}):
        fig = Figure(figsize=(8.0, 2.9 * max(len(imposers), 1)), dpi=110)
        axes = fig.subplots(max(len(imposers), 1), 1, squeeze=False, sharex=True)[:, 0]
        for ax, imposer in zip(axes, imposers, strict=False):
            days, ids, rates = series_table(events, imposer, product, start, end)
            xs = date2num([*days, end + timedelta(days=1)])
            bottom = [0.0] * len(days)
            for k, (lid, ys) in enumerate(zip(ids, rates, strict=True)):
                if not any(ys):
                    continue
                layer = events.layer(lid)
                label = layer.name_zh if lang == "zh" and layer.name_zh else layer.name
                top = [b + y for b, y in zip(bottom, ys, strict=True)]
                ax.stairs(top, xs, baseline=bottom, fill=True, color=COLOURS[k % len(COLOURS)],
                          alpha=0.85, label=label)
                bottom = top
            ax.stairs(bottom, xs, color="black", linewidth=1.0)
            peak = max(bottom) if bottom else 0
            names = PARTY_ZH if lang == "zh" else PARTY_EN
            who = names.get(imposer, imposer)
            whose = names.get(events.layer(ids[0]).target, "") if ids else ""
            title = (f"{who} additional tariffs on {whose} goods ({product}), %" if lang == "en"
                     else f"{who}對{whose}商品（{product}）加徵的關稅，%")
            ax.set_title(title, loc="left")
            ax.set_ylim(0, peak * 1.12 + 1)
            ax.grid(axis="y", alpha=0.3)
            ax.legend(loc="upper left", fontsize=7, frameon=False)
        axes[-1].set_xlim(date2num(start), date2num(end + timedelta(days=1)))
        locator = AutoDateLocator()
        axes[-1].xaxis.set_major_locator(locator)
        axes[-1].xaxis.set_major_formatter(ConciseDateFormatter(locator))
        note = (f"Events public by {events.as_of}; source file {Path(events.file).name}"
                if lang == "en" else f"{events.as_of}前公開的事件；來源 {Path(events.file).name}")
        fig.text(0.01, 0.005, note, fontsize=6.5, color="#555555")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
        fig.savefig(path)
