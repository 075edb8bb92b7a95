"""Probabilities in words as well as numbers (decision R-08): the US intelligence community's
scale of estimative language (ICD 203), in English and Traditional Chinese."""

from __future__ import annotations

#: (upper bound of the band, English, Traditional Chinese); a probability takes the first band
#: whose upper bound it does not exceed.
SCALE = (
    (0.05, "almost no chance", "幾乎不可能"),
    (0.20, "very unlikely", "非常不可能"),
    (0.45, "unlikely", "不太可能"),
    (0.55, "roughly even chance", "機會大致均等"),
    (0.80, "likely", "可能"),
    (0.95, "very likely", "非常可能"),
    (1.00, "almost certain", "幾乎確定"),
)


def likelihood_word(p: float, lang: str = "en") -> str:
    for upper, en, zh in SCALE:
        if p <= upper:
            return zh if lang == "zh" else en
    return SCALE[-1][2] if lang == "zh" else SCALE[-1][1]


def likelihood_text(p: float | None, lang: str = "en") -> str:
    """'73% (likely)'; '–' when unknown."""
    if p is None:
        return "–"
    word = likelihood_word(p, lang)
    return f"{p:.0%} ({word})" if lang == "en" else f"{p:.0%}（{word}）"
