"""A short text brief for pasting into a memo: the key table and what the run covered."""

from __future__ import annotations

from typing import Any

from grandbargain.report._bottom_line import bottom_line_lines
from grandbargain.report._forecast_table import unsettled_note
from grandbargain.report._likelihood import likelihood_text
from grandbargain.report._report_words import word


def _cell(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{value:.{digits}f}" if isinstance(value, float) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _forecast(issue: dict[str, Any], model: str) -> str:
    """'36.5', or '36.5 [30.1–42.0]' with the 90% interval when draws were run."""
    text = _cell(issue["forecasts"][model])
    if issue.get("settled", {}).get(model) is False:
        text += "~"
    spread = issue.get("intervals", {}).get(model, {})
    if spread.get("q05") is not None and spread.get("q95") is not None:
        text += f" [{spread['q05']:.1f}–{spread['q95']:.1f}]"
    return text


def _exchange_lines(doc: dict[str, Any]) -> list[str]:
    """How many exchanges the exchange model found, and the largest of round 1."""
    section = doc["sections"].get("exchanges", {})
    if section.get("status") != "ok":
        return []
    rounds = section["document"]["rounds"]
    total = sum(len(r["exchanges"]) for r in rounds)
    lang = doc["lang"]
    out = [f"{word('exchanges', lang)}: "
           f"{word('exchanges_count', lang).format(n=total, r=len(rounds))}."]
    if rounds and rounds[0]["exchanges"]:
        out.append(f"{word('top_exchange', lang)}: {rounds[0]['exchanges'][0]['text']}")
    return out


def _deal_lines(doc: dict[str, Any]) -> list[str]:
    """The Nash package's gains over no deal and its top logroll, when deals were computed."""
    section = doc["sections"].get("deals", {})
    if section.get("status") != "ok":
        return []
    lang = doc["lang"]
    deal = section["document"]
    nash = deal["solutions"].get("nash")
    if nash is None:
        return [word("zopa_empty", lang)]
    gains = ", ".join(f"{p['name']} {nash['gains'][p['id']]:+.3f}" for p in deal["parties"])
    out = [f"{word('deals', lang)} ({nash['name']}): {gains} "
           f"({word('gain_over_no_deal', lang)})."]
    concessions = [c for item in nash["package"] for c in item["concedes"] if c.get("text")]
    if concessions:
        out += ["", f"{word('who_concedes', lang)}:", ""]
        out += [f"- {c['text']} ({word('utility_given_up', lang)} {c['loss']:.3f})"
                for c in concessions]
        out.append("")
    if nash["logrolls"]:
        out.append(f"{word('logrolls', lang)}: {nash['logrolls'][0]['text']}")
    return out


def _timeline_lines(doc: dict[str, Any]) -> list[str]:
    """The replay's bottom line and the tariff stack's latest totals, when the report has them."""
    lang = doc["lang"]
    out = []
    timeline = doc["sections"].get("timeline", {})
    if timeline.get("status") == "ok":
        out.append(f"{word('timeline_title', lang)}: {timeline['document']['bottom_line']}")
    tariffs = doc["sections"].get("tariffs", {})
    if tariffs.get("status") == "ok":
        from grandbargain.report._charts_more import tariff_charts

        out += [f"{word('tariffs_title', lang)}: {c.title}." for c in tariff_charts(doc)]
    return out


def horizon_text(forecast: dict[str, Any], lang: str) -> str:
    from grandbargain.report.html import horizon_text as words

    return words(forecast, lang)


def markdown_brief(doc: dict[str, Any]) -> str:
    """The brief for one report document (one language)."""
    lang = doc["lang"]
    fc = doc["forecast"]
    models = [m["name"] for m in fc["models"]]
    first = models[0] if models else None
    head = fc["scenario"]
    lines = [f"# {head['title']}", ""]
    meta = f"{word('scenario', lang)} `{head['id']}`"
    if head.get("as_of"):
        meta += f" · {word('as_of', lang)} {head['as_of']}"
    lines += [f"*{meta} · grandbargain {doc['grandbargain_version']}*", ""]
    if fc.get("bottom_line"):
        said = bottom_line_lines(fc["bottom_line"], lang)
        draws = fc["bottom_line"].get("draws") or {}
        judgment = [horizon_text(fc, lang)]
        if draws.get("same_package") is not None:
            judgment.insert(0, word("package_odds", lang).format(
                p=likelihood_text(draws["same_package"], lang),
                zopa=likelihood_text(draws.get("zopa_nonempty"), lang)))
        first_item = next((k for k, line in enumerate(said) if line.startswith("- ")),
                          len(said))
        said = [*said[:first_item], *judgment, *said[first_item:]]
        lines += [f"## {said[0]}", ""]
        for k, line in enumerate(said[1:], 1):
            lines.append(line)
            following = said[k + 1] if k + 1 < len(said) else ""
            if not (line.startswith("- ") and following.startswith("- ")):
                lines.append("")
    lines += [f"## {word('forecast_title', lang)}", ""]
    header = [word("issue", lang), word("status_quo", lang), *models]
    if first:
        header.append(f"{word('nearest_anchor', lang)} ({first})")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---", *(["---:"] * (1 + len(models)))]
                                + (["---"] if first else [])) + "|")
    for issue in fc["issues"]:
        unit = f"{issue['unit']}, " if issue["unit"] else ""
        row = [f"{issue['name']} ({unit}{issue['scale'][0]:g}–{issue['scale'][1]:g})",
               issue["status_quo"], *(_forecast(issue, m) for m in models)]
        if first:
            row.append(issue["nearest_anchor"][first])
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    lines.append("")
    if "simulation" in fc:
        lines.append(f"{word('intervals_note', lang)}: {fc['simulation']['draws']} draws, "
                     f"seed {fc['simulation']['seed']}.")
    if unsettled_note(fc, lang):
        lines.append(unsettled_note(fc, lang))
    lines += ["", f"## {word('deals', lang)}", ""]
    for line in [*_deal_lines(doc), *_exchange_lines(doc), *_timeline_lines(doc)]:
        lines.append(line)
        if not line.startswith("- ") and line:
            lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    lines += ["", f"## {word('methods', lang)}", ""]
    lines.append(f"{word('models_used', lang)}: " + "; ".join(
        f"`{m['name']}` = {m['label']}" for m in fc["models"]) + ".")
    for name, section in doc["sections"].items():
        if section["status"] == "not_run" and name in ("timeline", "tariffs", "smp"):
            continue  # sections shown only when asked for (--events, a tariff issue, -m smp)
        if section["status"] != "ok":
            title = {"trajectories": word("trajectory_title", lang),
                     "exchanges": word("exchanges", lang), "deals": word("deals", lang)}.get(
                name, name)
            status = word("unavailable", lang) if section["status"] == "unavailable" else \
                word("not_run", lang)
            lines.append(f"{title}: {status.lower() if lang == 'en' else status}.")
    sources = doc["scenario"].get("sources") or []
    if sources:
        lines += ["", f"{word('sources', lang)}:", "", *(f"- {_cell(src)}" for src in sources)]
    lines += ["", word("brief_note", lang), ""]
    return "\n".join(lines)
