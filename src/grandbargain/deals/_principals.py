"""From a scenario's principals to a deal space (models.md section 6).

For principal p and issue d (decisions PD-006 to PD-009):
- weight w_pd: stated in `weights` (issues it leaves out weigh 0), else the sum of its actors'
  capability x salience on d; then normalised so that sum_d w_pd = 1.
- ideal x*_pd: stated in `ideal`, else its actors' capability x salience weighted mean position.
- value v_pd(x) in [0, 1]: `linear` 1 - |x - x*| / D, `concave` 1 - (|x - x*| / D)^e (e = 2 by
  default), `step` 1 on the ideal's side of `threshold` (inclusive), else 0; D is the largest
  distance from x* to either end of the scale, so the worst end of the scale scores 0.
- u_p(package) = sum_d w_pd v_pd(option_d); red lines rule options out for everyone.
Options per issue: the stated `options` (a list or a grid), else the anchors; the status quo and
the disagreement value are always options too ("no change on this issue" is a possible term).
The disagreement package is the disagreement value on every issue (the status quo unless the
scenario or the caller says otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

from grandbargain.deals._space import DealIssue, DealSpace, Option, Party
from grandbargain.scenario import Issue, Principal, RedLine, Scenario, ScenarioError, ValueFunction

DEFAULT_CONCAVE_EXPONENT = 2.0


def _error(scenario: Scenario, message: str, field: str = "") -> ScenarioError:
    return ScenarioError.single(scenario.source or scenario.id, message, field=field)


_SAFE = 1e300  # sums of fewer than 1e8 terms below this stay finite


def _scale(values: np.ndarray, factor: float = 1.0) -> float:
    """1, or the largest finite magnitude among values where `factor` times it could overflow
    a sum: dividing by it first keeps sums of capability x salience (x position) finite even
    for capabilities near the float limit (1e308), and the normalisation that follows removes
    it again. Ordinary inputs are left exactly as they are."""
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 and top * factor > _SAFE / max(1, values.size) else 1.0


def _capability_scale(scenario: Scenario, principal: Principal) -> float:
    rows = [scenario.actor_index[a] for a in principal.actors]
    if not rows:
        return 1.0
    reach = max(1.0, *(max(abs(i.low), abs(i.high)) for i in scenario.issues))
    return _scale(scenario.capability_matrix[rows], reach)


def principal_weights(scenario: Scenario, principal: Principal) -> np.ndarray:
    """(m,) the principal's issue weights, summing to 1."""
    m = len(scenario.issues)
    if principal.weights:
        raw = np.array([principal.weights.get(i.id, 0.0) for i in scenario.issues], dtype=float)
        raw = raw / _scale(raw)
    else:
        raw = np.zeros(m)
        scale = _capability_scale(scenario, principal)
        for actor_id in principal.actors:
            i = scenario.actor_index[actor_id]
            part = scenario.takes_part[i]
            raw[part] += (scenario.capability_matrix[i] / scale * scenario.saliences[i])[part]
    total = raw.sum()
    if not total > 0:
        how = "its stated weights are all 0" if principal.weights else \
            "none of its actors gives any issue a salience above 0"
        raise _error(scenario, f"principal '{principal.id}' cares about no issue: {how}",
                     f"principals.{principal.id}.weights")
    return raw / total


def principal_ideals(scenario: Scenario, principal: Principal) -> np.ndarray:
    """(m,) the principal's ideal point per issue; NaN where neither stated nor derivable."""
    out = np.full(len(scenario.issues), np.nan)
    scale = _capability_scale(scenario, principal)
    for d, issue in enumerate(scenario.issues):
        if issue.id in principal.ideal:
            out[d] = principal.ideal[issue.id]
            continue
        weight = position = 0.0
        for actor_id in principal.actors:
            i = scenario.actor_index[actor_id]
            if scenario.takes_part[i, d]:
                w = scenario.capability_matrix[i, d] / scale * scenario.saliences[i, d]
                weight += w
                position += w * scenario.positions[i, d]
        if weight > 0:
            out[d] = position / weight
    return out


def issue_value(values: np.ndarray, ideal: float, issue: Issue,
                vf: ValueFunction | None) -> np.ndarray:
    """v(x) in [0, 1] for scale values x, given the ideal point and the value function.

    `ideal` may also be an array that broadcasts against `values` (e.g. (G, 1) ideals against
    (k,) options give (G, k) values)."""
    x = np.asarray(values, dtype=float)
    kind = vf.kind if vf is not None else "linear"
    if kind == "step":
        assert vf is not None and vf.threshold is not None
        good = np.where(np.asarray(ideal) >= vf.threshold, x >= vf.threshold,
                        x <= vf.threshold)
        return good.astype(float)
    reach = np.maximum(ideal - issue.low, issue.high - ideal)
    loss = np.abs(x - ideal) / reach
    if kind == "concave":
        exponent = vf.exponent if vf is not None and vf.exponent else DEFAULT_CONCAVE_EXPONENT
        loss = loss ** exponent
    return 1.0 - loss


def option_label(issue: Issue, value: float, disagreement: float | None,
                 lang: str = "en") -> str:
    """Plain words for an option: its value and the anchor, status quo or no-deal point."""
    anchor = issue.nearest_anchor(value)
    zh = lang == "zh"
    if anchor is not None and anchor.value == value:
        return f"{value:g}{'：' if zh else ': '}{anchor.text(lang)}"
    if issue.status_quo is not None and value == issue.status_quo:
        return f"{value:g}{'：現狀' if zh else ': status quo'}"
    if disagreement is not None and value == disagreement:
        return f"{value:g}{'：無協議時的水平' if zh else ': no-deal level'}"
    if anchor is None:
        return f"{value:g}"
    if zh:
        return f"{value:g}（接近 {anchor.value:g}：{anchor.text(lang)}）"
    return f"{value:g} (near {anchor.value:g}: {anchor.text(lang)})"


def option_values(issue: Issue, disagreement: float) -> tuple[float, ...]:
    """The deal options of an issue (see the module docstring), sorted."""
    base = issue.options or tuple(a.value for a in issue.anchors)
    extra = [v for v in (issue.status_quo, disagreement) if v is not None]
    return tuple(sorted({float(v) for v in (*base, *extra)}))


def _disagreement_values(scenario: Scenario,
                         override: Mapping[str, float] | None) -> dict[str, float]:
    override = dict(override or {})
    unknown = [k for k in override if k not in scenario.issue_index]
    if unknown:
        raise _error(scenario, f"disagreement names unknown issue(s) {', '.join(unknown)}",
                     "disagreement")
    out = {}
    for issue in scenario.issues:
        value = override.get(issue.id, scenario.disagreement_point(issue.id))
        if value is None:
            raise _error(scenario, f"issue '{issue.id}' has no status quo: give it one, or a "
                         "disagreement value, to say what happens without a deal",
                         f"issues.{issue.id}.status_quo")
        if not issue.low <= value <= issue.high:
            raise _error(scenario, f"disagreement {value:g} is outside the scale "
                         f"{issue.low:g}-{issue.high:g} of issue '{issue.id}'", "disagreement")
        out[issue.id] = float(value)
    return out


_YAML_SUFFIXES = (".yaml", ".yml", ".json")


def how_to_add_principals(scenario: Scenario) -> str:
    """The error for a scenario without principals: the exact steps, with this scenario's own
    file, actor and issue ids (a BDM, KTAB, Decide or DEU table has no place for principals, so
    it is converted to YAML first)."""
    source = Path(scenario.source) if scenario.source else None
    table = source is not None and source.suffix.lower() not in _YAML_SUFFIXES
    yaml_file = f"{source.stem}.yaml" if table else (str(source) if source else scenario.id)
    actors = [a.id for a in scenario.actors]
    half = max(1, len(actors) // 2)
    first, second = actors[:half][:3], actors[half:][:3]
    steps = []
    if table:
        steps.append(f"a {source.suffix or 'table'} table has no place for them, so convert it "
                     f"to YAML first: `grandbargain convert {source} {yaml_file}`")
    example = ["principals:", "  - id: side_a", "    name: Side A",
               f"    actors: [{', '.join(first)}]"]
    if second:
        example += ["  - id: side_b", "    name: Side B", f"    actors: [{', '.join(second)}]"]
    steps.append(f"in {yaml_file}, add a top-level `principals:` section, one entry per party "
                 "to the deal with the actors it speaks for, e.g.\n      "
                 + "\n      ".join(example))
    no_status_quo = [i.id for i in scenario.issues
                     if scenario.disagreement_point(i.id) is None]
    if no_status_quo:
        issue = no_status_quo[0]
        steps.append(f"say what holds without a deal on {len(no_status_quo)} issue(s) with no "
                     f"status quo ({', '.join(no_status_quo[:4])}"
                     f"{', ...' if len(no_status_quo) > 4 else ''}): a `status_quo:` under "
                     f"each, or a top-level `disagreement: {{{issue}: VALUE, ...}}`")
    no_options = [i.id for i in scenario.issues if not i.options and len(i.anchors) < 2]
    if no_options:
        steps.append(f"give the deal options of the {len(no_options)} issue(s) without anchors "
                     f"({', '.join(no_options[:4])}{', ...' if len(no_options) > 4 else ''}), "
                     "e.g. `options: {step: 25}` under each (a grid over its scale)")
    steps.append(f"run `grandbargain deals {yaml_file}`")
    return ("the scenario defines no principals (the parties to a deal). To add them:\n"
            + "\n".join(f"    {k}. {step}" for k, step in enumerate(steps, 1))
            + "\n    (every field: docs/scenario-format.md, \"Principals and deals\")")


def deal_space(scenario: Scenario, *, disagreement: Mapping[str, float] | None = None,
               red_lines: Iterable[tuple[str, RedLine]] = (), keep_red_lines: bool = True,
               principals: Iterable[str] | None = None) -> DealSpace:
    """The deal space of a scenario's principals.

    `disagreement` overrides the no-deal value of some issues; `red_lines` adds
    (principal id, RedLine) pairs; `keep_red_lines=False` drops the scenario's own red lines;
    `principals` picks some of them by id (default: all).
    """
    return space_frame(scenario, disagreement=disagreement, red_lines=red_lines,
                       keep_red_lines=keep_red_lines, principals=principals).space(scenario)


@dataclass(frozen=True, eq=False)
class SpaceFrame:
    """The parts of a scenario's deal space that its stances' numbers do not change: the
    principals, the issues' options and their labels, the red lines' masks, the no-deal
    options. `space(stances)` adds the values, which do: the principals' weights and ideals
    from the stances' positions, saliences and capabilities (`stances`: the scenario, or any
    object with its `issues`, `actor_index`, `positions`, `saliences`, `capability_matrix` and
    `takes_part`, such as one input draw's arrays). Built once, it gives every draw's deal
    space without rebuilding the rest (decision BL-11)."""

    scenario: Scenario
    chosen: tuple[Principal, ...]
    issues: tuple[DealIssue, ...]
    points: tuple[np.ndarray, ...]
    rejected: tuple[np.ndarray, ...]
    reference: tuple[int, ...]
    parties: tuple[Party, ...]
    notes: Mapping[str, str]

    def space(self, stances) -> DealSpace:
        scenario, chosen = self.scenario, self.chosen
        weights = np.array([principal_weights(stances, p) for p in chosen])
        ideals = np.array([principal_ideals(stances, p) for p in chosen])
        for p, principal in enumerate(chosen):
            for d, issue in enumerate(scenario.issues):
                if weights[p, d] > 0 and np.isnan(ideals[p, d]):
                    raise _error(scenario, f"principal '{principal.id}' weighs issue "
                                 f"'{issue.id}' but has no ideal point there: state one under "
                                 "`ideal`", f"principals.{principal.id}.ideal")
        values = []
        for d, issue in enumerate(scenario.issues):
            table = np.zeros((len(self.points[d]), len(chosen)))
            for p, principal in enumerate(chosen):
                if weights[p, d] > 0:
                    vf = principal.value_functions.get(issue.id)
                    table[:, p] = weights[p, d] * issue_value(self.points[d], ideals[p, d],
                                                              issue, vf)
            values.append(table)
        reference = self.reference
        disagreement_utility = sum(values[d][reference[d]] for d in range(len(values)))
        return DealSpace(
            parties=self.parties, issues=self.issues, values=tuple(values),
            rejected=self.rejected, disagreement=np.asarray(disagreement_utility),
            reference=reference, title=scenario.title, notes=self.notes)


def space_frame(scenario: Scenario, *, disagreement: Mapping[str, float] | None = None,
                red_lines: Iterable[tuple[str, RedLine]] = (), keep_red_lines: bool = True,
                principals: Iterable[str] | None = None) -> SpaceFrame:
    """The fixed parts of `deal_space(scenario, ...)` (same arguments, same errors)."""
    chosen = list(scenario.principals)
    if principals is not None:
        wanted = list(principals)
        known = {p.id: p for p in scenario.principals}
        missing = [w for w in wanted if w not in known]
        if missing:
            raise _error(scenario, f"unknown principal(s) {', '.join(missing)} (known: "
                         f"{', '.join(known) or 'none'})", "principals")
        chosen = [known[w] for w in wanted]
    if not chosen:
        raise _error(scenario, how_to_add_principals(scenario), "principals")
    extra: dict[str, list[RedLine]] = {}
    for party_id, line in red_lines:
        if party_id not in {p.id for p in chosen}:
            raise _error(scenario, f"red line for unknown principal '{party_id}'", "red_lines")
        if line.issue not in scenario.issue_index:
            raise _error(scenario, f"red line on unknown issue '{line.issue}'", "red_lines")
        extra.setdefault(party_id, []).append(line)
    fallback = _disagreement_values(scenario, disagreement)
    issues, points_of, rejected, reference = [], [], [], []
    for issue in scenario.issues:
        points = option_values(issue, fallback[issue.id])
        issues.append(DealIssue(
            id=issue.id, name=issue.name, name_zh=issue.name_zh,
            options=tuple(Option(option_label(issue, v, fallback[issue.id]),
                                 option_label(issue, v, fallback[issue.id], "zh"), v)
                          for v in points)))
        mask = np.zeros((len(points), len(chosen)), dtype=bool)
        for p, principal in enumerate(chosen):
            lines = [r for r in principal.red_lines if r.issue == issue.id] if keep_red_lines \
                else []
            for line in (*lines, *extra.get(principal.id, [])):
                if line.issue == issue.id:
                    mask[:, p] |= np.array([line.rejects(v) for v in points])
        points_of.append(np.array(points))
        rejected.append(mask)
        reference.append(points.index(fallback[issue.id]))
    return SpaceFrame(
        scenario=scenario, chosen=tuple(chosen), issues=tuple(issues), points=tuple(points_of),
        rejected=tuple(rejected), reference=tuple(reference),
        parties=tuple(Party(p.id, p.name, p.name_zh) for p in chosen),
        notes=MappingProxyType({"scenario": scenario.id, "title_zh": scenario.title_zh,
                                "disagreement": ", ".join(f"{k}={v:g}"
                                                          for k, v in fallback.items())}))


def principal_profile(scenario: Scenario, principal: Principal) -> dict[str, dict[str, float]]:
    """Weight and ideal per issue of one principal (for reports)."""
    weights = principal_weights(scenario, principal)
    ideals = principal_ideals(scenario, principal)
    return {issue.id: {"weight": float(weights[d]),
                       "ideal": None if np.isnan(ideals[d]) else float(ideals[d])}
            for d, issue in enumerate(scenario.issues)}
