"""Whatever bytes or YAML structures arrive, the loader answers with a Scenario or a clean
ScenarioError: never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grandbargain.scenario import Scenario, ScenarioError, load_scenario

from .test_bad_input import GOOD

_DIR = Path(tempfile.mkdtemp(prefix="gb-fuzz-"))

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=12), st.dates())
keys = st.one_of(st.sampled_from(["scenario", "issues", "actors", "stances", "id", "name",
                                  "title", "scale", "min", "max", "position", "salience",
                                  "capability", "principals", "red_lines", "extends",
                                  "format_version", "anchors", "disagreement", "a", "tariff"]),
                 st.text(max_size=8))
structures = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=25)


def _load(data: bytes, suffix: str) -> None:
    path = _DIR / f"case{suffix}"
    path.write_bytes(data)
    try:
        assert isinstance(load_scenario(path), Scenario)
    except ScenarioError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=400), st.sampled_from([".yaml", ".csv", ".tsv", ".txt", ".json"]))
def test_random_bytes(data, suffix):
    _load(data, suffix)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(structures)
def test_random_yaml_structures(data):
    _load(yaml.safe_dump(data, allow_unicode=True).encode(), ".yaml")


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, len(GOOD) - 1), st.text(max_size=6))
def test_mutated_good_file(at, insert):
    _load((GOOD[:at] + insert + GOOD[at:]).encode(), ".yaml")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(st.text(alphabet="0123456789.-xe,;'#\t ", max_size=6), max_size=6),
                max_size=6))
def test_random_tables(cells):
    text = "Actor,Capability,Position,Salience\n" + "\n".join(",".join(r) for r in cells)
    _load(text.encode(), ".csv")


def _both_loaders(text: str):
    from grandbargain.scenario._yaml import LOADER, PURE_LOADER, parse_yaml

    results = []
    for loader in (LOADER, PURE_LOADER):
        try:
            results.append(("ok", *parse_yaml(text, "f.yaml", loader)))
        except ScenarioError as exc:
            results.append(("error", [(p.location.line, p.field) for p in exc.problems]))
    return results


def test_libyaml_and_pure_python_loaders_agree_on_the_shipped_scenarios():
    from grandbargain.scenario._load import builtin_path, builtin_scenarios, read_text

    for name in builtin_scenarios():
        fast, pure = _both_loaders(read_text(builtin_path(name)))
        assert fast == pure, name


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, len(GOOD) - 1), st.text(alphabet=" \n:-{}[],&*<x19.", max_size=6))
def test_libyaml_and_pure_python_loaders_agree_on_values_and_locations(at, insert):
    # libyaml and PyYAML's own parser word (and sometimes place) syntax errors differently;
    # whatever both read, they must read alike, values and locations.
    fast, pure = _both_loaders(GOOD[:at] + insert + GOOD[at:])
    if fast[0] == pure[0] == "ok":
        assert fast == pure


def test_importing_the_scenario_package_loads_no_pydantic_yaml_or_numpy():
    import subprocess
    import sys

    code = ("import sys, grandbargain.scenario; "
            "print(sorted(m for m in ('pydantic', 'yaml', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
