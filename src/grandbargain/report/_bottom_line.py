"""The bottom line in words (English and Traditional Chinese), from the plain document of
`grandbargain.bottomline.bottom_line_document`: one list of lines that the terminal, the
Markdown brief and the HTML report all show first."""

from __future__ import annotations

from typing import Any

_W = {
    "title": ("Bottom line", "重點判斷"),
    "headline": ("Most likely deal: the Nash package of {parties} ({column} in the forecast "
                 "table): the one "
                 "package both governments sign when they split the gains over no deal, "
                 "the bargain the scenario describes{same}.",
                 "最可能的協議：{parties}的納什方案（預測表的 {column} 欄），即雙方平分相對"
                 "無協議之得益時都會簽署的整體方案，也就是情境所描述的交易{same}。"),
    "same": ("; the {names} package is the same", "；{names} 方案與之相同"),
    "robust": ("Under input uncertainty ({n} draws, seed {seed}; noise sd position {pos:g}% "
               "of the scale, salience {sal:g}, {shape}): the whole package is the Nash "
               "solution in "
               "{same:.0%} of draws; a deal exists in {zopa:.0%}.",
               "輸入不確定性下（{n} 次抽樣，種子 {seed}；雜訊標準差：立場為尺度的 {pos:g}%，"
               "重視程度 {sal:g}，{shape}）：整個方案在 {same:.0%} 的抽樣中仍是納什解；"
               "{zopa:.0%} 的抽樣中存在協議。"),
    "issue_line": ("{name}: {option}{change}{share}", "{name}：{option}{change}{share}"),
    "change": (" (no deal: {old:g})", "（無協議：{old:g}）"),
    "unchanged": (" (no change)", "（不變）"),
    "share": ("; in the Nash package in {p:.0%} of draws", "；{p:.0%} 的抽樣中在納什方案內"),
    "gives": ("{party} gives way on {items}", "{party}在{items}上讓步"),
    "gets": ("gets {items}", "換得{items}"),
    "gives_nothing": ("{party} gives way on nothing", "{party}無需讓步"),
    "and": (" and ", "及"),
    "join": (", ", "、"),
    "gain": ("(net gain {gain:+.3f})", "（淨得益 {gain:+.3f}）"),
    "disagree": ("The single-issue models disagree most on: {items}.",
                 "單一議題模型分歧最大的議題：{items}。"),
    "disagree_item": ("{name} ({low:g} {lowest} to {high:g} {highest}, {spread:.0%} of the "
                      "scale)", "{name}（{lowest} {low:g} 至 {highest} {high:g}，"
                      "尺度的 {spread:.0%}）"),
    "signposts": ("Signposts (one stance at a time; the smallest move that changes the "
                  "package):", "觀察指標（一次改變一個立場；足以改變方案的最小變動）："),
    "signpost": ("{actor}, position on {issue}: from {old:g} to {new:g} ({delta:+g}) "
                 "changes {flips}",
                 "若{actor}在「{issue}」上的立場由 {old:g} 改為 {new:g}（{delta:+g}）："
                 "{flips}"),
    "flip": ("{name}: {old:g} -> {new}", "「{name}」{old:g} → {new}"),
    "no_deal_word": ("no deal", "無協議"),
    "no_signposts": ("Signposts: no single stance, moved anywhere on its scale, changes the "
                     "package.", "觀察指標：任何單一立場在其尺度內的改變都不會改變方案。"),
    "no_deal": ("No deal: no package makes both {parties} better off than no deal; the "
                "disagreement point stands.", "無協議：沒有任何方案能讓{parties}都優於無協議，"
                "維持談判破裂時的狀態。"),
    "ensemble": ("No principals in this scenario, so no package deal: the bottom line is the "
                 "ensemble, the equal-weight mean of {n} models ({models}).",
                 "此情境沒有談判主體，因此沒有整體方案：重點判斷為 {n} 個模型（{models}）的"
                 "等權平均。"),
    "ensemble_failed": ("No package bottom line ({why}): the bottom line is the ensemble, the "
                        "equal-weight mean of {n} models ({models}).",
                        "無法計算整體方案（{why}）：重點判斷為 {n} 個模型（{models}）的等權平均。"),
    "ensemble_item": ("{name}: {value}", "{name}：{value}"),
    "near": ("near {anchor}", "接近 {anchor}"),
    "status_quo": ("status quo {sq}", "現狀 {sq}"),
}


def _w(key: str, lang: str) -> str:
    en, zh = _W[key]
    return zh if lang == "zh" else en


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _items(moves: list[dict[str, Any]], lang: str) -> str:
    parts = [f"{m['name']} ({_num(m['from'])} -> {_num(m['to'])})" if lang == "en"
             else f"「{m['name']}」（{_num(m['from'])} → {_num(m['to'])}）" for m in moves]
    if len(parts) <= 1:
        return "".join(parts)
    return _w("join", lang).join(parts[:-1]) + _w("and", lang) + parts[-1]


def _side(side: dict[str, Any], lang: str) -> str:
    if side["gives"]:
        text = _w("gives", lang).format(party=side["name"], items=_items(side["gives"], lang))
    else:
        text = _w("gives_nothing", lang).format(party=side["name"])
    if side["gets"]:
        text += ("; " if lang == "en" else "；") + _w("gets", lang).format(
            items=_items(side["gets"], lang))
    text += " " + _w("gain", lang).format(gain=side["gain"]) if lang == "en" else \
        _w("gain", lang).format(gain=side["gain"])
    return text + ("." if lang == "en" else "。")


def bottom_line_lines(doc: dict[str, Any], lang: str = "en") -> list[str]:
    """The bottom line as lines of text; the first is the title. Lines starting with '- '
    are list items."""
    out = [_w("title", lang)]
    if doc["kind"] == "ensemble":
        ensemble = doc["ensemble"]
        models = ", ".join(doc["models"])
        key = "ensemble" if doc.get("note") in (None, "no_principals") else "ensemble_failed"
        out.append(_w(key, lang).format(n=len(doc["models"]), models=models,
                                        why=doc.get("note")))
        for item in ensemble["issues"]:
            if item["value"] is None:
                continue
            notes = []
            if item["anchor"]:
                notes.append(_w("near", lang).format(anchor=item["anchor"]))
            if item["status_quo"] is not None:
                notes.append(_w("status_quo", lang).format(sq=_num(item["status_quo"])))
            value = f"{item['value']:.{item.get('digits', 1)}f}"
            if notes:
                value += (f" ({'; '.join(notes)})" if lang == "en"
                          else f"（{'；'.join(notes)}）")
            out.append("- " + _w("ensemble_item", lang).format(name=item["name"], value=value))
        out += _disagree_lines(doc, lang)
        return out
    parties = _w("and", lang).join(p["name"] for p in doc["parties"])
    if doc["no_deal"]:
        out.append(_w("no_deal", lang).format(parties=parties))
        out += _disagree_lines(doc, lang)
        return out
    same = ""
    if doc["same_as_headline"]:
        same = _w("same", lang).format(names=", ".join(doc["same_as_headline"]))
    out.append(_w("headline", lang).format(parties=parties, column=doc["headline"]["column"],
                                           same=same))
    draws = doc.get("draws")
    if draws:
        out.append(_w("robust", lang).format(
            n=draws["n"], seed=draws["seed"], pos=draws["noise"]["position"],
            sal=draws["noise"]["salience"], same=draws["same_package"],
            shape=_shape(draws["noise"]["distribution"], lang),
            zopa=draws["zopa_nonempty"]))
    for item in doc["issues"]:
        change = _w("change", lang).format(old=item["no_deal_value"]) if item["moved"] else \
            _w("unchanged", lang)
        share = "" if item["p_in_nash"] is None else _w("share", lang).format(
            p=item["p_in_nash"])
        out.append("- " + _w("issue_line", lang).format(name=item["name"],
                                                        option=item["option"],
                                                        change=change, share=share))
    out += [_side(side, lang) for side in doc["sides"]]
    out += _disagree_lines(doc, lang)
    if doc["signposts"]:
        out.append(_w("signposts", lang))
        for sp in doc["signposts"]:
            flips = ("; " if lang == "en" else "；").join(
                _w("flip", lang).format(name=f["name"], old=f["from"],
                                        new=_w("no_deal_word", lang) if f["to"] is None
                                        else f"{f['to']:g}") for f in sp["flips"])
            out.append("- " + _w("signpost", lang).format(
                actor=sp["actor_name"], issue=sp["issue_name"], old=sp["position"],
                new=sp["to_position"], delta=round(sp["change"], 6), flips=flips))
    else:
        out.append(_w("no_signposts", lang))
    return out


_SHAPES = {"normal": ("normal", "常態分佈"), "triangular": ("triangular", "三角分佈"),
           "uniform": ("uniform", "均勻分佈")}


def _shape(name: str, lang: str) -> str:
    en, zh = _SHAPES.get(name, (name, name))
    return zh if lang == "zh" else en


def _disagree_lines(doc: dict[str, Any], lang: str) -> list[str]:
    rows = doc.get("models_disagree") or []
    if not rows:
        return []
    items = _w("join", lang).join(_w("disagree_item", lang).format(
        name=r["name"], low=round(r["low"], 1), high=round(r["high"], 1), lowest=r["lowest"],
        highest=r["highest"], spread=r["spread"]) for r in rows)
    return [_w("disagree", lang).format(items=items)]
