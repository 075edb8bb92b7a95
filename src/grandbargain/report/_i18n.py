"""The few interface words the terminal and reports need, in English and Traditional Chinese."""

from __future__ import annotations

_WORDS = {
    "issue": ("Issue", "議題"),
    "status_quo": ("Status quo", "現狀"),
    "nearest_anchor": ("Nearest anchor", "最接近的刻度"),
    "forecast": ("Forecast", "預測"),
    "actor": ("Actor", "行為者"),
    "capability": ("Capability", "影響力"),
    "group": ("Group", "陣營"),
    "position_salience": ("position / salience", "立場 / 重視程度"),
    "scale": ("Scale", "尺度"),
    "scenario": ("Scenario", "情境"),
    "as_of": ("as of", "截至"),
    "likely_anchor": ("Most likely anchor", "最可能的刻度"),
    "draws": ("draws", "次抽樣"),
}


def word(key: str, lang: str = "en") -> str:
    en, zh = _WORDS[key]
    return zh if lang == "zh" else en
