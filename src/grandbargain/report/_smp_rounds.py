"""KTAB's SMP turn by turn as a document (JSON-ready dict) and a long table, English or Chinese."""

from __future__ import annotations

from typing import Any

from grandbargain import __version__
from grandbargain.models import ModelResult
from grandbargain.models._labels import model_label
from grandbargain.scenario import Scenario

_TEXT = {
    "own": ("{actor} moves on its bargain with {other}: {moves} (p = {p:.2f})",
            "{actor} 依與 {other} 的協議調整立場：{moves}（機率 {p:.2f}）"),
    "received": ("{actor} accepts {other}'s bargain: {moves} (p = {p:.2f})",
                 "{actor} 接受 {other} 提出的協議：{moves}（機率 {p:.2f}）"),
    "nobody": ("nobody moves", "無人調整立場"),
    "proposed": ("{n} bargains proposed", "提出 {n} 項協議"),
}


def _say(key: str, lang: str, **values: Any) -> str:
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**values)


def _moves(names: list[str], start, end, digits: int, lang: str) -> str:
    parts = [f"{n} {a:.{digits}f} -> {b:.{digits}f}" for n, a, b in zip(names, start, end,
                                                                      strict=True)
             if f"{a:.{digits}f}" != f"{b:.{digits}f}"]
    if parts:
        return ", ".join(parts)
    same = ", ".join(f"{n} {a:.{digits}f}" for n, a in zip(names, start, strict=True))
    return same + ("（不變）" if lang == "zh" else " (unchanged)")


def smp_rounds_document(scenario: Scenario, result: ModelResult,
                        lang: str = "en") -> dict[str, Any]:
    """The start and every turn: positions on every issue, risk attitudes and win
    probabilities by actor, the bargains accepted (also as sentences), the forecast."""
    run = result.detail["run"]
    names = {a: scenario.actor(a).text(lang) for a in run.actors}
    issues = [scenario.issue(i) for i in run.issues]
    issue_names = [i.text(lang) for i in issues]
    digits = 2 if max(i.width for i in issues) <= 20 else 1

    def positions(rows) -> dict[str, dict[str, float]]:
        return {a: dict(zip(run.issues, row, strict=True))
                for a, row in zip(run.actors, rows, strict=True)}

    starts = [{"turn": 0, "positions": positions(run.start), "accepted": [], "proposals": 0,
               "risk": dict(zip(run.actors, run.turns[0].risk, strict=True)) if run.turns else
               dict(zip(run.actors, run.final_risk, strict=True)),
               "win_probability": dict(zip(run.actors, run.turns[0].win_probabilities,
                                           strict=True)) if run.turns else
               dict(zip(run.actors, run.final_win_probabilities, strict=True))}]
    for k, turn in enumerate(run.turns):
        nxt = run.turns[k + 1] if k + 1 < len(run.turns) else None
        risk = nxt.risk if nxt else run.final_risk
        win = nxt.win_probabilities if nxt else run.final_win_probabilities
        accepted = []
        for b in turn.accepted:
            own = b.actor == b.initiator
            other = b.receiver if own else b.initiator
            accepted.append({
                "actor": b.actor, "initiator": b.initiator, "receiver": b.receiver,
                "from": dict(zip(run.issues, b.start, strict=True)),
                "to": dict(zip(run.issues, b.end, strict=True)), "probability": b.probability,
                "initiator_gain": b.gain,
                "text": _say("own" if own else "received", lang, actor=names[b.actor],
                             other=names[other], p=b.probability,
                             moves=_moves(issue_names, b.start, b.end, digits, lang))})
        starts.append({"turn": turn.number, "positions": positions(turn.positions),
                       "risk": dict(zip(run.actors, risk, strict=True)),
                       "win_probability": dict(zip(run.actors, win, strict=True)),
                       "proposals": turn.proposals, "accepted": accepted,
                       "change": turn.change})
    return {
        "grandbargain_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.text(lang), "source": scenario.source},
        "issues": [{"id": i.id, "name": n, "scale": [i.low, i.high], "unit": i.unit_text(lang),
                    "status_quo": i.status_quo} for i, n in zip(issues, issue_names, strict=True)],
        "model": {"name": result.model, "label": model_label(result.model, result.label, lang),
                  "params": dict(result.params)},
        "actors": [{"id": a, "name": names[a]} for a in run.actors],
        "excluded_actors": list(run.excluded),
        "joint": True,
        "stopped": run.stopped,
        "turns_run": len(run.turns),
        "forecast": dict(zip(run.issues, run.forecast, strict=True)),
        "turns": starts,
        "digits": digits,
    }


def smp_rounds_rows(document: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Long table: one row per turn, actor and issue (turn 0 = the start); the accepted
    bargain's initiator and receiver on the actor's rows of the turn it moved."""
    header = ["turn", "actor", "issue", "position", "risk", "win_probability", "initiator",
              "receiver", "bargain_probability"]
    rows = []
    for t in document["turns"]:
        accepted = {b["actor"]: b for b in t["accepted"]}
        for actor in document["actors"]:
            a = actor["id"]
            b = accepted.get(a, {})
            for issue in document["issues"]:
                rows.append([t["turn"], a, issue["id"], t["positions"][a][issue["id"]],
                             t["risk"][a], t["win_probability"][a], b.get("initiator", ""),
                             b.get("receiver", ""), b.get("probability")])
    return header, rows


def turn_line(turn: dict[str, Any], lang: str) -> str:
    """'3 bargains proposed; ...' headline of one turn."""
    if not turn["accepted"]:
        return _say("proposed", lang, n=turn["proposals"]) + "; " + _say("nobody", lang)
    return _say("proposed", lang, n=turn["proposals"])
