"""Plain documents (bottom line first) for the formula and the stack, in English or Chinese;
the CLI prints them as tables, JSON or CSV."""

from __future__ import annotations

from datetime import date

from grandbargain.trade._events import FAMILIES, TariffEvents
from grandbargain.trade._formula import FormulaResult, Rates
from grandbargain.trade._stack import Stack, stack

WORDS = {
    "en": {
        "partner": "partner", "imports": "US imports $bn", "exports": "US exports $bn",
        "s_imports": "services imports $bn", "s_exports": "services exports $bn",
        "charged": "charged (formula)", "chart_charged": "charged (chart)",
        "reciprocal": "reciprocal (formula)", "chart_reciprocal": "reciprocal (chart)",
        "wi_charged": "what-if charged", "wi_reciprocal": "what-if reciprocal",
        "exception": "differs from chart",
        "layer": "layer", "basis": "legal basis", "family": "family", "rate": "rate %",
        "nominal": "legal rate %", "suspended": "suspended pts", "until": "until",
        "status": "status", "since": "since", "set_by": "set by",
        "total": "total", "formula_title": "The 2 April 2025 reciprocal-tariff formula",
        "stack_title": "{imposer} additional tariffs on {target} goods, {on}: {product}",
        "rules": "Layers add in percentage points of customs value (no compounding); suspended "
                 "points are off until the suspension lapses; an exempted group pays nothing "
                 "under that layer. Sources: docs/decisions.md T-03.",
    },
    "zh": {
        "partner": "貿易夥伴", "imports": "美國進口（十億美元）", "exports": "美國出口（十億美元）",
        "s_imports": "服務進口（十億美元）", "s_exports": "服務出口（十億美元）",
        "charged": "對美關稅（公式）", "chart_charged": "對美關稅（圖表）",
        "reciprocal": "對等關稅（公式）", "chart_reciprocal": "對等關稅（圖表）",
        "wi_charged": "假設情境對美關稅", "wi_reciprocal": "假設情境對等關稅",
        "exception": "與圖表不同",
        "layer": "關稅層", "basis": "法律依據", "family": "類別", "rate": "稅率 %",
        "nominal": "法定稅率 %", "suspended": "暫停百分點", "until": "至",
        "status": "狀態", "since": "生效", "set_by": "依據事件",
        "total": "合計", "formula_title": "2025年4月2日對等關稅公式",
        "stack_title": "{imposer}對{target}商品加徵的關稅，{on}：{product}",
        "rules": "各關稅層按完稅價格的百分點相加（不複利）；暫停的百分點在暫停期內不計；"
                 "獲豁免的商品組在該層不付稅。來源見 docs/decisions.md T-03。",
    },
}
STATUS_ZH = {"in force": "生效", "suspended in part": "部分暫停", "exempt": "豁免",
             "lapsed": "已失效", "not yet in force": "尚未生效"}
PARTY_ZH = {"US": "美國", "CN": "中國"}
PARTY_EN = {"US": "US", "CN": "Chinese"}
PARTNER_ZH = {
    "China": "中國", "European Union": "歐盟", "Vietnam": "越南", "Taiwan": "台灣",
    "Japan": "日本", "India": "印度", "South Korea": "南韓", "Switzerland": "瑞士",
    "Israel": "以色列", "Indonesia": "印尼", "Cambodia": "柬埔寨", "South Africa": "南非",
    "Lesotho": "萊索托", "Saint Pierre and Miquelon": "聖皮埃與密克隆", "United Kingdom": "英國",
    "Mexico": "墨西哥", "Canada": "加拿大", "Germany": "德國",
}


def partner_name(name: str, lang: str) -> str:
    return PARTNER_ZH.get(name, name) if lang == "zh" else name


def _pct(value: float) -> str:
    return f"{value:g}%"


def _party(code: str, lang: str) -> str:
    return (PARTY_ZH if lang == "zh" else PARTY_EN).get(code, code)


def formula_bottom_line(result: FormulaResult, lang: str = "en") -> str:
    rows = result.rows
    charged = [r for r in rows if r.partner.published_charged is not None]
    recip = [r for r in rows if r.partner.published_reciprocal is not None]
    exact = sum(bool(r.charged_matches) for r in charged)
    off = [r.partner.name for r in recip if r.reciprocal_gap]
    within = sum(abs(r.reciprocal_gap) <= 1 for r in recip)
    focus = next((r for r in rows if r.partner.name.lower() == "china"), rows[0])
    base = focus.published_method.reciprocal
    lines = []
    if lang == "zh":
        if charged or recip:
            lines.append(f"公式重現圖表「對美關稅」{exact}/{len(charged)}個夥伴（完全一致），"
                         f"對等關稅{within}/{len(recip)}個相差不超過1個百分點"
                         + (f"（相差1點：{'、'.join(partner_name(n, lang) for n in off)}）"
                            if off else "") + "。")
        who = partner_name(focus.partner.name, lang)
        lines.append(f"{who}：公佈方法得出對等關稅{base}%。")
        if not result.params.is_published:
            wi = focus.what_if
            tail = f"{wi.reciprocal}%（公佈方法{base}%）。" if wi else "沒有服務貿易數據。"
            lines.append(f"假設情境（{result.params.label()}）：{who} {tail}")
        return "\n".join(lines)
    if charged or recip:
        lines.append(f"The published method reproduces the chart's 'tariffs charged' exactly for "
                     f"{exact} of {len(charged)} partners and its reciprocal rate within 1 point "
                     f"for {within} of {len(recip)}"
                     + (f" (off by one: {', '.join(off)})" if off else "") + ".")
    lines.append(f"{focus.partner.name}: the published method gives a reciprocal rate of {base}%.")
    if not result.params.is_published:
        wi = focus.what_if
        lines.append(f"What-if ({result.params.label()}): {focus.partner.name} "
                     + (f"{wi.reciprocal}% instead of {base}%." if wi
                        else "has no services figures."))
    return "\n".join(lines)


def _differences(result: FormulaResult, lang: str) -> dict[str, str]:
    """`FormulaResult.exceptions()` in the asked language."""
    if lang != "zh":
        return result.exceptions()
    out: dict[str, str] = {}
    for row in result.rows:
        p, reasons = row.partner, []
        if p.published_charged is None:
            reasons.append("圖表沒有「對美關稅」數字")
        elif not row.charged_matches:
            reasons.append(f"對美關稅 {row.published_method.charged}，圖表 "
                           f"{_opt(p.published_charged)}")
        if p.published_reciprocal is None:
            reasons.append("圖表沒有對等關稅")
        elif row.reciprocal_gap:
            reasons.append(f"對等關稅 {row.published_method.reciprocal}，圖表 "
                           f"{_opt(p.published_reciprocal)}")
        if reasons:
            out[p.name] = "；".join(reasons)
    return out


def formula_document(result: FormulaResult, lang: str = "en") -> dict:
    exceptions = _differences(result, lang)
    partners = []
    for row in result.rows:
        p = row.partner
        entry = {"partner": p.name, "imports_busd": p.imports, "exports_busd": p.exports}
        if p.has_services:
            entry |= {"services_imports_busd": p.services_imports,
                      "services_exports_busd": p.services_exports}
        entry |= {"published_method": row.published_method.as_dict(),
                  "chart": {"charged": _opt(p.published_charged),
                            "reciprocal": _opt(p.published_reciprocal)}}
        if not result.params.is_published:
            entry["what_if"] = row.what_if.as_dict() if row.what_if else None
        entry["differs_from_chart"] = exceptions.get(p.name, "")
        if p.note:
            entry["note"] = p.note
        if p.source:
            entry["source"] = p.source
        partners.append(entry)
    params = result.params
    return {
        "bottom_line": formula_bottom_line(result, lang),
        "method": "delta_tau = (x - m) / (epsilon * phi * m); charged = -delta_tau in percent; "
                  "reciprocal = max(floor, charged / 2); chart rounding: charged half up, "
                  "reciprocal upward",
        "what_if": None if params.is_published else {
            "epsilon": params.epsilon, "phi": params.phi, "floor": params.floor,
            "services": params.services},
        "source": result.source,
        "partners": partners,
    }


def formula_rows(result: FormulaResult, lang: str = "en") -> tuple[list[str], list[list]]:
    w = WORDS[lang]
    services = result.params.services
    header = [w["partner"], w["imports"], w["exports"]]
    if services:
        header += [w["s_imports"], w["s_exports"]]
    chart = any(r.partner.published_charged is not None
                or r.partner.published_reciprocal is not None for r in result.rows)
    header += ([w["charged"], w["chart_charged"], w["reciprocal"], w["chart_reciprocal"]]
               if chart else [w["charged"], w["reciprocal"]])
    what_if = not result.params.is_published
    if what_if:
        header += [w["wi_charged"], w["wi_reciprocal"]]
    if chart:
        header.append(w["exception"])
    exceptions = _differences(result, lang)
    rows = []
    for row in result.rows:
        p = row.partner
        cells: list = [partner_name(p.name, lang), p.imports, p.exports]
        if services:
            cells += [p.services_imports, p.services_exports]
        if chart:
            cells += [row.published_method.charged, _opt(p.published_charged),
                      row.published_method.reciprocal, _opt(p.published_reciprocal)]
        else:
            cells += [row.published_method.charged, row.published_method.reciprocal]
        if what_if:
            wi: Rates | None = row.what_if
            cells += [wi.charged if wi else None, wi.reciprocal if wi else None]
        if chart:
            cells.append(exceptions.get(p.name, ""))
        rows.append(cells)
    return header, rows


def _opt(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def stacks_for(events: TariffEvents, on: date, product: str) -> list[Stack]:
    """The stack of every imposer that declares the product group."""
    return [stack(events, on, imposer, product) for imposer in events.imposers()
            if product in events.product_ids(imposer)]


def stack_bottom_line(events: TariffEvents, stacks: list[Stack], lang: str = "en") -> str:
    parts = []
    for s in stacks:
        in_force = [la for la in s.layers if la.rate]
        families: dict[str, float] = {}
        for la in in_force:
            families[la.layer.family] = families.get(la.layer.family, 0.0) + la.rate
        if lang == "zh":
            detail = "、".join(f"{la.layer.name_zh or la.layer.name} {_pct(la.rate)}"
                              for la in in_force) or "沒有加徵"
            parts.append(f"{s.on}：{_party(s.target, lang)}商品（{s.product}）須付"
                         f"{_party(s.imposer, lang)}額外關稅{_pct(s.total)}（{detail}）。")
        else:
            detail = " + ".join(f"{la.layer.name} {_pct(la.rate)}" for la in in_force)
            by_family = ", ".join(f"{FAMILIES[f]} {_pct(v)}" for f, v in families.items())
            parts.append(f"On {s.on}, {_party(s.target, lang)} goods ({s.product}) face "
                         f"{_pct(s.total)} in additional {_party(s.imposer, lang)} tariffs"
                         + (f": {by_family} ({detail})." if in_force else "."))
    if stacks and stacks[0].after_as_of:
        parts.append(f"(As scheduled on {events.as_of}: later events are not in the file.)"
                     if lang == "en" else f"（按{events.as_of}已知的安排：其後事件不在檔案內。）")
    return "\n".join(parts)


def layer_entry(la, lang: str = "en") -> dict:
    return {
        "layer": la.layer.id,
        "name": la.layer.name_zh if lang == "zh" and la.layer.name_zh else la.layer.name,
        "family": la.layer.family, "basis": la.layer.basis_in(lang), "rate": la.rate,
        "legal_rate": la.nominal, "suspended": la.suspended,
        "until": la.until.isoformat() if la.until else None,
        "status": STATUS_ZH.get(la.status, la.status) if lang == "zh" else la.status,
        "since": la.since.isoformat() if la.since else None,
        "set_by": la.event.title_in(lang) if la.event else None,
        "sources": list(la.event.sources_in(lang)) if la.event else [],
    }


def stack_document(events: TariffEvents, on: date, product: str, lang: str = "en") -> dict:
    stacks = stacks_for(events, on, product)
    return {
        "bottom_line": stack_bottom_line(events, stacks, lang),
        "date": on.isoformat(), "as_of": events.as_of.isoformat(),
        "after_as_of": on > events.as_of, "product": product, "events_file": events.file,
        "stacking_rules": WORDS[lang]["rules"],
        "stacks": [{
            "imposer": s.imposer, "target": s.target, "product": s.product,
            "imposer_name": _party(s.imposer, lang), "target_name": _party(s.target, lang),
            "product_name": _product_name(events, s, lang),
            "total": s.total,
            "by_family": {f: s.family_total(f) for f in dict.fromkeys(
                la.layer.family for la in s.layers)},
            "layers": [layer_entry(la, lang) for la in s.layers],
        } for s in stacks],
    }


def _product_name(events: TariffEvents, s: Stack, lang: str) -> str:
    group = events.product(s.imposer, s.product)
    return group.name_zh if lang == "zh" and group.name_zh else group.name
