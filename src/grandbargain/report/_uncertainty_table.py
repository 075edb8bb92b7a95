"""Forecasts with their spread (a `simulate` document) as flat rows for CSV and the terminal."""

from __future__ import annotations

from typing import Any

from grandbargain.report._render import fmt_number

SUMMARY_COLUMNS = ("point", "mean", "sd", "q05", "q25", "median", "q75", "q95", "defined",
                   "point_outside")
OUTSIDE_MARK = "†"


def most_likely_band(summary: dict[str, Any]) -> dict[str, Any] | None:
    """The band with the highest probability (the lower anchor on a tie), or None."""
    bands = summary.get("bands") or []
    if not bands:
        return None
    return max(bands, key=lambda b: (b["p"], -b["anchor"]))


def bands_text(summary: dict[str, Any]) -> str:
    """'0=0.000;20=0.012;35=0.887' : each anchor's band probability."""
    return ";".join(f"{b['anchor']:g}={b['p']:.4f}" for b in summary.get("bands") or [])


def uncertainty_rows(document: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per issue and model (the ensemble last), every summary number in its column."""
    header = ["issue", "model", *SUMMARY_COLUMNS, "most_likely_anchor", "p_most_likely",
              "band_probabilities"]
    rows = []
    for issue in document["issues"]:
        for model, summary in issue["forecasts"].items():
            best = most_likely_band(summary)
            rows.append([issue["id"], model, *(summary[c] for c in SUMMARY_COLUMNS),
                         best["anchor"] if best else None, best["p"] if best else None,
                         bands_text(summary)])
    return header, rows


def interval_text(summary: dict[str, Any], digits: int = 1) -> str:
    """'36.5 [30.2–44.0]': the point forecast and the 90% interval of the draws; '2.2† [...]'
    when the point lies outside its interval."""
    if summary.get("point") is None and summary.get("q05") is None:
        return "–"
    point = fmt_number(summary.get("point"), digits)
    if summary.get("point_outside"):
        point += OUTSIDE_MARK
    return f"{point} [{fmt_number(summary['q05'], digits)}–{fmt_number(summary['q95'], digits)}]"


def likely_anchor_text(summary: dict[str, Any], digits: int = 0) -> str:
    """'~35 (89%): previous flagship ...' for the most probable anchor band."""
    best = most_likely_band(summary)
    if best is None:
        return ""
    return f"~{best['anchor']:g} ({100 * best['p']:.{digits}f}%): {best['label']}"


def any_outside(document: dict[str, Any], key: str = "forecasts") -> bool:
    """Whether any issue's point forecast lies outside its interval (`key`: where the
    summaries are: `forecasts` in a simulate document, `intervals` in a forecast document)."""
    return any(summary.get("point_outside") for issue in document["issues"]
               for summary in issue.get(key, {}).values() if isinstance(summary, dict))


def interval_note(outside: bool, lang: str = "en") -> str:
    """The caption's words on the intervals (and on the mark, when a point carries it)."""
    if lang == "zh":
        note = ("點預測 [抽樣的 5%–95%]；每項輸入以其給定值為平均數抽樣，並限於其範圍內"
                "（位於範圍盡頭的輸入不變）。")
        if outside:
            note += (f"{OUTSIDE_MARK} 點預測落在其區間之外：模型對輸入並非線性（加權中位數或預期"
                     "效用的議價回合會在立場之間跳動），因此無偏的輸入未必使預測居中。")
        return note
    note = ("Point forecast [5%–95% of the draws]; each input is drawn with its stated value "
            "as its mean, within its range (an input at the very end of its range does not "
            "vary).")
    if outside:
        note += (f" {OUTSIDE_MARK} the point lies outside its interval: the model is not "
                 "linear in its inputs (a median or an expected-utility bargaining round jumps "
                 "between positions), so unbiased inputs need not centre its forecasts.")
    return note
