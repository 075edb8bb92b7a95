"""Package deals as plain documents and rows that every renderer (terminal, JSON, CSV) shares."""

from __future__ import annotations

from typing import Any

import numpy as np

from grandbargain import __version__
from grandbargain.deals import (
    DealAnalysis,
    concession_text,
    logroll_text,
    move_text,
)

SOLUTION_NAMES = {
    "nash": ("Nash", "納什解"),
    "kalai_smorodinsky": ("Kalai-Smorodinsky", "卡萊-斯莫羅丁斯基解"),
    "egalitarian": ("egalitarian", "平等主義解"),
    "utilitarian": ("utilitarian", "功利主義解"),
}

_WORDS = {
    "frontier": ("Pareto frontier", "帕累托前沿"),
    "packages": ("packages", "個方案"),
    "zopa": ("ZOPA (packages every party prefers to no deal)",
             "可達成協議區（各方都優於無協議的方案）"),
    "zopa_empty": ("empty: no package makes every party better off than no deal",
                   "空：沒有任何方案能讓各方都優於無協議"),
    "no_deal": ("no deal: the disagreement point stands", "無協議：維持談判破裂時的狀態"),
    "issue": ("Issue", "議題"),
    "option": ("Option", "選項"),
    "who_concedes": ("Who concedes (utility given up)", "讓步方（放棄的效用）"),
    "change": ("Change from no deal", "相對無協議的變動"),
    "logrolls": ("Top logrolls", "主要互換（logroll）"),
    "no_logrolls": ("no pair of concessions trades one party's give for the other's",
                    "沒有雙方互相讓步的交換"),
    "disagreement": ("no deal", "無協議"),
    "share": ("share of all packages", "佔全部方案"),
    "exact": ("exact", "精確"),
    "sampled": ("estimated from {n:,} random packages", "由 {n:,} 個隨機方案估計"),
    "gain": ("gain", "得益"),
    "area": ("area", "面積"),
    "moves": ("Moves from no deal", "相對無協議的變動"),
    "same_as": ("same package as", "方案相同："),
}


def word(key: str, lang: str = "en") -> str:
    en, zh = _WORDS[key]
    return zh if lang == "zh" else en


def solution_name(name: str, lang: str = "en") -> str:
    en, zh = SOLUTION_NAMES[name]
    return zh if lang == "zh" else en


def _floats(values) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=float)]


def deals_document(analysis: DealAnalysis, lang: str = "en", *,
                   frontier_points: bool = True) -> dict[str, Any]:
    """Everything `grandbargain deals` shows, as JSON-ready data."""
    space, frontier, z = analysis.space, analysis.frontier, analysis.zopa
    parties = [p.id for p in space.parties]
    solutions: dict[str, Any] = {}
    for name, terms in analysis.solutions.items():
        if terms is None:
            solutions[name] = None
            continue
        s = terms.solution
        issues = []
        for d, issue in enumerate(space.issues):
            option = issue.options[s.package[d]]
            issues.append({
                "issue": issue.id, "name": issue.text(lang), "option": option.text(lang),
                "value": option.value,
                "concedes": [{"party": parties[c.party], "loss": c.loss,
                              "ideal": issue.options[c.ideal_option].text(lang),
                              "text": concession_text(space, c, lang)}
                             for c in terms.concessions[d]],
            })
        solutions[name] = {
            "name": solution_name(name, lang),
            "utilities": dict(zip(parties, _floats(s.utilities), strict=True)),
            "gains": dict(zip(parties, _floats(s.gains), strict=True)),
            "tied": s.tied,
            "frontier_index": s.index,
            "package": issues,
            "moves": [move_text(space, m, lang) for m in terms.moves],
            "logrolls": [{"giver": parties[r.giver], "issue": space.issues[r.issue].id,
                          "taker": parties[r.taker],
                          "other_issue": space.issues[r.other_issue].id,
                          "net": dict(zip(parties, r.net, strict=True)),
                          "text": logroll_text(space, r, lang)} for r in terms.logrolls],
        }
    document: dict[str, Any] = {
        "grandbargain_version": __version__,
        "title": space.notes.get("title_zh") if lang == "zh" and space.notes.get("title_zh")
        else space.title,
        "scenario": space.notes.get("scenario"),
        "parties": [{"id": p.id, "name": p.text(lang)} for p in space.parties],
        "disagreement": {
            "utilities": dict(zip(parties, _floats(z.disagreement), strict=True)),
            "package": ([{"issue": i.id, "option": i.options[o].text(lang)}
                         for i, o in zip(space.issues, space.reference, strict=True)]
                        if space.reference is not None else None),
            "note": space.notes.get("disagreement"),
        },
        "packages": space.n_packages,
        "frontier": {"size": len(frontier)},
        "zopa": {
            "empty": z.empty, "frontier_packages": z.packages,
            "max_gain": dict(zip(parties, _floats(z.max_gain), strict=True)),
            "min_gain": dict(zip(parties, _floats(z.min_gain), strict=True)),
            "area": z.area, "share": z.share, "share_exact": z.share_exact,
            "sampled": z.sampled,
        },
        "solutions": solutions,
    }
    if frontier_points:
        document["frontier"]["points"] = [
            {"utilities": dict(zip(parties, _floats(u), strict=True)),
             "package": {i.id: i.options[o].text(lang)
                         for i, o in zip(space.issues, package, strict=True)}}
            for u, package in zip(frontier.utilities, frontier.packages, strict=True)]
    return document


def deals_rows(document: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per solution and issue: the option, who concedes and their losses (for CSV)."""
    parties = [p["id"] for p in document["parties"]]
    header = ["solution", "issue", "value", "option", "concedes",
              *(f"loss_{p}" for p in parties), *(f"utility_{p}" for p in parties)]
    rows = []
    for name, solution in document["solutions"].items():
        if solution is None:
            continue
        for item in solution["package"]:
            losses = {c["party"]: c["loss"] for c in item["concedes"]}
            rows.append([name, item["issue"], item["value"], item["option"],
                         ";".join(c["party"] for c in item["concedes"]),
                         *(losses.get(p, 0.0) for p in parties),
                         *(solution["utilities"][p] for p in parties)])
    return header, rows
