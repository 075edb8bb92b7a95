"""A negotiation in plain words (English or Traditional Chinese), bottom line first."""

from __future__ import annotations

import numpy as np

from grandbargain.negotiate._arena import Arena
from grandbargain.negotiate._measures import Measures
from grandbargain.negotiate._protocol import Negotiation


def _name(arena: Arena, p: int, lang: str) -> str:
    return arena.space.parties[p].text(lang)


def _utils(arena: Arena, values: np.ndarray, lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(f"{_name(arena, p, lang)} {v:.3f}" for p, v in enumerate(values))


def _when(result: Negotiation, k: int, lang: str) -> str:
    day = result.deadline.round_date(k)
    if lang == "zh":
        return f"第 {k} 輪" + (f"（{day.isoformat()}）" if day else "")
    return f"round {k}" + (f" ({day.isoformat()})" if day else "")


def package_lines(arena: Arena, package: int, lang: str = "en") -> list[str]:
    """One line per issue: the issue and the package's option on it."""
    options = arena.options(package)
    sep = "：" if lang == "zh" else ": "
    return [f"{issue.text(lang)}{sep}{issue.options[int(o)].text(lang)}"
            for issue, o in zip(arena.space.issues, options, strict=True)]


def _changes(arena: Arena, before: int, after: int, lang: str, limit: int = 3) -> str:
    a, b = arena.options(before), arena.options(after)
    moved = [d for d in range(len(a)) if a[d] != b[d]]
    if not moved:
        return "同一方案" if lang == "zh" else "the same package"
    parts = []
    for d in moved[:limit]:
        issue = arena.space.issues[d]
        old, new = issue.options[int(a[d])], issue.options[int(b[d])]
        short_old = old.text(lang).split(":")[0].split("：")[0].split(" (")[0]
        short_new = new.text(lang).split(":")[0].split("：")[0].split(" (")[0]
        parts.append(f"{issue.text(lang)} {short_old} → {short_new}")
    more = len(moved) - limit
    if more > 0:
        parts.append(f"另 {more} 項" if lang == "zh" else f"{more} more")
    return ("、" if lang == "zh" else "; ").join(parts)


def bottom_line(arena: Arena, result: Negotiation, found: Measures, lang: str = "en") -> str:
    """The answer in one paragraph: agreement or not, when, who gets what, how far from Nash."""
    T = result.deadline
    who = "、".join if lang == "zh" else ", ".join
    styles = who(f"{_name(arena, p, lang)}（{s}）" if lang == "zh" else
                 f"{_name(arena, p, lang)} ({s})" for p, s in enumerate(result.strategies))
    nash = "" if found.nash_distance is None else (
        f"距納什方案 {found.nash_distance:.3f}，" if lang == "zh" else
        f"{found.nash_distance:.3f} from the Nash package, ")
    if result.agreed:
        proposer = int(result.proposers[-1])
        if lang == "zh":
            return (f"達成協議：{_when(result, result.round, lang)}（期限 {T.text(lang)}），"
                    f"{_name(arena, result.accepted_by, lang)}接受了"
                    f"{_name(arena, proposer, lang)}的提案。"
                    f"效用：{_utils(arena, result.utilities, lang)}"
                    f"（無協議時：{_utils(arena, arena.reserve, lang)}）；{nash}"
                    f"距帕累托前沿 {found.frontier_distance:.3f}。策略：{styles}。")
        return (f"Agreement in {_when(result, result.round, lang)} of a deadline of "
                f"{T.text(lang)}: {_name(arena, result.accepted_by, lang)} accepts "
                f"{_name(arena, proposer, lang)}'s offer. Utility: "
                f"{_utils(arena, result.utilities, lang)} (no deal: "
                f"{_utils(arena, arena.reserve, lang)}); {nash}"
                f"{found.frontier_distance:.3f} from the Pareto frontier. Strategies: {styles}.")
    closest = ""
    if len(result.offers):
        gains = result.offer_utilities - arena.reserve
        k = int(np.argmax(gains.min(axis=1)))
        p = int(result.proposers[k])
        vals = _utils(arena, result.offer_utilities[k], lang)
        when = _when(result, int(result.offer_rounds[k]), lang)
        closest = (f"最接近的一次：{_name(arena, p, lang)}在{when}的提案（{vals}）。"
                   if lang == "zh" else
                   f" Closest: {_name(arena, p, lang)}'s offer in "
                   f"{_when(result, int(result.offer_rounds[k]), lang)} ({vals}).")
    hint = ""
    if len(result.offers) and not result.notes.get("band"):
        hint = ("（此處每一方只提出對自己剛好達到目標效用的方案，不顧對方；"
                "--band U 讓各方在目標之上 U 以內挑對方最喜歡的方案。）" if lang == "zh" else
                " Each side here offers the least package worth its target to itself, whatever "
                "the other side thinks of it; --band U lets it pick, within U above its target, "
                "the package best for the other side.")
    if lang == "zh":
        return (f"未達成協議：至期限 {T.text(lang)} 為止，雙方都不接受對方的提案，"
                f"各自得到無協議時的效用（{_utils(arena, arena.reserve, lang)}）。"
                f"策略：{styles}。{closest}{hint}")
    return (f"No agreement by the deadline, {T.text(lang)}: each side rejects the other's "
            f"offers and gets its no-deal utility ({_utils(arena, arena.reserve, lang)}). "
            f"Strategies: {styles}.{closest}{hint}")


def trajectory_lines(arena: Arena, result: Negotiation, lang: str = "en") -> list[str]:
    """One line per offer: who offered what (in utility) and what moved since its last one."""
    lines = []
    last: dict[int, int] = {}
    for k, (package, p, r) in enumerate(zip(result.offers, result.proposers,
                                            result.offer_rounds, strict=True)):
        p, package = int(p), int(package)
        worth = _utils(arena, result.offer_utilities[k], lang)
        if p in last:
            moved = _changes(arena, last[p], package, lang)
            tail = f"；變動：{moved}" if lang == "zh" else f"; moved: {moved}"
        else:
            tail = "（開價）" if lang == "zh" else " (opening offer)"
        if lang == "zh":
            lines.append(f"{_when(result, int(r), lang)}：{_name(arena, p, lang)}"
                         f"提案（{worth}）{tail}")
        else:
            lines.append(f"{_when(result, int(r), lang).capitalize()}: {_name(arena, p, lang)} "
                         f"offers ({worth}){tail}")
        last[p] = package
    if result.agreed:
        closer = _name(arena, result.accepted_by, lang)
        lines.append(f"{_when(result, result.round, lang)}：{closer}接受。" if lang == "zh" else
                     f"{_when(result, result.round, lang).capitalize()}: {closer} accepts.")
    else:
        lines.append("期限已到，沒有協議。" if lang == "zh" else
                     "The deadline passes without agreement.")
    return lines


def report_text(arena: Arena, result: Negotiation, found: Measures, lang: str = "en",
                origins: list[str] | None = None) -> str:
    out = [bottom_line(arena, result, found, lang), ""]
    if result.agreed:
        out.append("協議方案：" if lang == "zh" else "The package agreed:")
        out += [f"  {line}" for line in package_lines(arena, result.agreement, lang)]
        out.append("")
    out.append("提案過程：" if lang == "zh" else "How the offers moved:")
    out += [f"  {line}" for line in trajectory_lines(arena, result, lang)]
    if origins:
        out.append("")
        where = {"scenario": "情境檔" if lang == "zh" else "the scenario",
                 "command line": "命令列" if lang == "zh" else "the command line",
                 "default": "預設" if lang == "zh" else "the default"}
        parts = [f"{_name(arena, p, lang)} {s}（{where[o]}）" if lang == "zh" else
                 f"{_name(arena, p, lang)} {s} (from {where[o]})"
                 for p, (s, o) in enumerate(zip(result.strategies, origins, strict=True))]
        out.append(("策略來源：" if lang == "zh" else "Strategies: ") + "; ".join(parts))
    return "\n".join(out) + "\n"
