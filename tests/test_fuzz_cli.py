"""Fuzz the command line: every command, on files from every reader's grammar (and mutations of
them), with random values for every option. The only acceptable outcomes are a success (exit 0)
and a clean error (exit 2 with a message); a traceback, any other exit status or a run longer
than the per-example deadline is a failure.

The commands run in process through typer's CliRunner (fast). The options are read from the
commands themselves, so an option added later is fuzzed too. Profiles:

    python -m pytest tests/test_fuzz_cli.py                            # fast: a few hundred
    HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz_cli.py -s # full: 10,000 inputs

The full run's last result is in docs/fuzzing.md. Kept out of the fuzz on purpose (each is slow
by design, not a hang): a reachable --scheduler or a valid --workers (they start Dask), --png
(matplotlib draws every chart), and more than 40 draws or rounds.
"""

from __future__ import annotations

import enum
import os
import signal
import string
import time
import types
import typing
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from grandbargain.cli import COMMANDS, app, load_command

FULL = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
# (fast, full) examples per test; the full run totals 10,000.
EXAMPLES = {"files": (150, 6000), "options": (100, 4000)}
# Per example: more CPU than this is a hang (an endless loop burns CPU; CPU time does not grow
# when the machine is busy), and so is more wall time than WALL_DEADLINE_S (a wait that never
# ends, on a machine however loaded).
CPU_DEADLINE_S = 30
WALL_DEADLINE_S = 300
MODEL_NAMES = ["compromise", "median", "nash", "eu", "eu-scholz", "exchange", "ensemble"]
DEU_CODES = ["com", "ep", "fr", "de", "it", "nl", "mt"]
SKIP_OPTIONS = {"--png", "--help"}
OUTCOMES: Counter = Counter()
FAILURES: list[str] = []


def examples(kind: str) -> int:
    return EXAMPLES[kind][1 if FULL else 0]


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no answer within {CPU_DEADLINE_S} s of CPU or {WALL_DEADLINE_S} s of wall "
               "time")


# --- files from the readers' grammars -----------------------------------------------------------

numbers = st.one_of(st.integers(-5, 120), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0, 1, 50, 100, 1e-300, 1e308, -1e308, 1e6, 0.5]))
junk = st.one_of(st.text(max_size=8), st.sampled_from(["", " ", "nan", "inf", "-", "1,5", "x",
                                                         "1e309", "２", "'", "\t", "#", ";"]))
scalars = st.one_of(st.none(), st.booleans(), numbers, junk, st.dates())
ids = st.sampled_from(["a", "b", "c", "us", "china", "eu", "x_1", "tariff", "chips", "oil"])


def number_text(draw) -> str:
    value = draw(st.one_of(numbers, junk))
    return value if isinstance(value, str) else f"{value:g}" if isinstance(value, float) \
        else str(value)


@st.composite
def scenario_documents(draw) -> dict:
    """A scenario document: mostly valid (so the models really run), sometimes broken."""
    n_issues, n_actors = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    issue_ids = [f"i{k}" for k in range(n_issues)]
    actor_ids = [f"a{k}" for k in range(n_actors)]
    issues = []
    for issue in issue_ids:
        low = draw(st.sampled_from([0.0, -10.0, 1.0, 0.0, 0.0]))
        high = low + draw(st.sampled_from([100.0, 1.0, 10.0, 1e-9, 1e6, 100.0]))
        entry: dict = {"id": issue, "name": issue.upper(), "scale": {"min": low, "max": high}}
        if draw(st.booleans()):
            entry["status_quo"] = low + draw(st.floats(0, 1)) * (high - low)
        if draw(st.booleans()):
            entry["anchors"] = [{"value": low + f * (high - low), "label": f"at {f}"}
                                for f in draw(st.lists(st.sampled_from([0, .25, .5, 1]),
                                                       min_size=1, max_size=3, unique=True))]
        issues.append(entry)
    actors = [{"id": a, "name": a.upper(),
               "capability": draw(st.one_of(st.floats(0.01, 100), st.sampled_from(
                   [1e-300, 1e308, 1.0, 7.0])))} for a in actor_ids]
    stances: dict = {}
    for a in actor_ids:
        for issue, entry in zip(issue_ids, issues, strict=True):
            if draw(st.integers(0, 5)) == 0:
                continue
            low, high = entry["scale"]["min"], entry["scale"]["max"]
            stance: dict = {"position": low + draw(st.floats(0, 1)) * (high - low),
                            "salience": draw(st.sampled_from([0, 1, 30, 50, 100, 99.9]))}
            if draw(st.integers(0, 4)) == 0:
                stance["low"], stance["high"] = low, high
            stances.setdefault(a, {})[issue] = stance
    doc: dict = {"scenario": {"id": "fuzz", "title": "Fuzz"}, "issues": issues,
                 "actors": actors, "stances": stances}
    if n_actors >= 2 and draw(st.booleans()):
        cut = draw(st.integers(1, n_actors - 1))
        doc["principals"] = [{"id": "p", "name": "P", "actors": actor_ids[:cut]},
                             {"id": "q", "name": "Q", "actors": actor_ids[cut:]}]
        if draw(st.booleans()):
            doc["principals"][0]["red_lines"] = {issue_ids[0]: {"reject_below": draw(numbers)}}
    for _ in range(draw(st.integers(0, 2)) if draw(st.integers(0, 2)) == 0 else 0):
        _mutate(draw, doc)
    return doc


def _mutate(draw, node) -> None:
    """Replace or drop one value somewhere in the document."""
    path = []
    while isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(node, key=str) if isinstance(node, dict)
                                   else list(range(len(node)))))
        path.append((node, key))
        node = node[key]
    if not path:
        return
    parent, key = path[-1]
    if draw(st.booleans()):
        parent[key] = draw(st.one_of(scalars, st.lists(scalars, max_size=3),
                                     st.dictionaries(ids, scalars, max_size=3)))
    elif isinstance(parent, dict):
        del parent[key]
    else:
        parent.pop(key)


def bdm_table(draw, sep: str) -> str:
    header = draw(st.sampled_from([["Actor", "Capability", "Position", "Salience"],
                                   ["Name", "x", "c", "s"], ["Actor", "Capability", "Position"],
                                   ["Actor", "Salience", "Capability", "Position"]]))
    rows = [sep.join(header)]
    for k in range(draw(st.integers(0, 6))):
        rows.append(sep.join([f"A{k}", *(number_text(draw) if draw(st.integers(0, 6)) == 0
                                          else f"{draw(st.floats(0, 100)):.3g}"
                                          for _ in header[1:])]))
    return "\n".join(rows) + "\n"


def ktab_table(draw) -> str:
    dims, n = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    said_n, said_dims = draw(st.sampled_from([n, n, n, n + 1])), draw(st.sampled_from([dims,
                                                                                         dims, 0]))
    lines = [f"Fuzz; scen 1,Scenario-1; a fuzz case, {said_n}, {said_dims}, ",
             "Actor,Description,Influence," + ",".join(f"D{d} Position,D{d} Salience"
                                                       for d in range(dims)) + ", "]
    for k in range(n):
        cells = [f"A{k}", f"actor {k}", f"{draw(st.floats(0.1, 100)):.3g}"]
        for _ in range(dims):
            cells += [f"{draw(st.floats(0, 100)):.3g}", f"{draw(st.floats(0, 100)):.3g}"]
        if draw(st.integers(0, 6)) == 0:
            cells[draw(st.integers(0, len(cells) - 1))] = number_text(draw)
        lines.append(",".join(cells) + ", ")
    return "\n".join(lines) + "\n"


def decide_table(draw) -> str:
    actors = [f"A{k}" for k in range(draw(st.integers(1, 4)))]
    issues = [f"P{k}" for k in range(draw(st.integers(1, 3)))]
    lines = [f"'#A'\t'{a}'\t'{a}'\t''" for a in actors]
    for p in issues:
        lines += [f"'#P'\t'{p}'\t'{p}'\t'{p}'", f"'#M'\t'{p}'\t0", f"'#M'\t'{p}'\t100"]
    for a in actors:
        for p in issues:
            if draw(st.integers(0, 5)):
                cells = [f"{draw(st.floats(0, 100)):.3g}", f"{draw(st.floats(0, 1)):.3g}",
                         f"{draw(st.floats(0, 1)):.3g}"]
                if draw(st.integers(0, 6)) == 0:
                    cells[draw(st.integers(0, 2))] = number_text(draw)
                lines.append(f"'#D'\t'{a}'\t'{p}'\t" + "\t".join(cells))
    return "\n".join(lines) + "\n"


def deu_table(draw) -> str:
    codes = draw(st.lists(st.sampled_from(DEU_CODES), min_size=1, max_size=5, unique=True))
    header = ["prnr", "isnr", "prname", "proc", *(f"p{c}" for c in codes),
              *(f"s{c}" for c in codes), "rp", "out"]
    lines = [";".join(header)]
    for k in range(draw(st.integers(1, 4))):
        def cell() -> str:
            choice = draw(st.integers(0, 8))
            return "" if choice == 0 else number_text(draw) if choice == 1 else \
                f"{draw(st.sampled_from([0, 10, 25, 50, 75, 100])):g}"
        lines.append(";".join([str(k // 2), f"i{k}", f"proposal {k}",
                               draw(st.sampled_from(["COD", "CNS", "", "OLP"])),
                               *(cell() for _ in codes), *(cell() for _ in codes), cell(),
                               cell()]))
    return "\n".join(lines) + "\n"


def capabilities_file(draw) -> str:
    rows = ["deu_code,weight,other"]
    for code in draw(st.lists(st.sampled_from(DEU_CODES), max_size=7, unique=True)):
        value = number_text(draw) if draw(st.integers(0, 5)) == 0 else \
            f"{draw(st.floats(0.5, 30)):.3g}"
        rows.append(f"{code},{value},1")
    return "\n".join(rows) + "\n"


def text_mutation(draw, text: str) -> str:
    if not text or draw(st.integers(0, 6)):
        return text
    lines = text.split("\n")
    k = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["insert", "drop", "duplicate", "truncate", "bytes"]))
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(alphabet=string.printable + "é中\x00", max_size=6)) \
            + text[at:]
    if how == "drop":
        return "\n".join(lines[:k] + lines[k + 1:])
    if how == "duplicate":
        return "\n".join(lines[:k + 1] + lines[k:])
    if how == "truncate":
        return text[:draw(st.integers(0, len(text)))]
    return text + "\udcff"  # written with surrogateescape: an invalid UTF-8 byte


@st.composite
def input_files(draw) -> tuple[str, str, dict]:
    """(kind, text, facts): a file of one reader's grammar, perhaps mutated."""
    kind = draw(st.sampled_from(["yaml", "yaml", "yaml", "bdm-csv", "bdm-tsv", "ktab",
                                 "decide", "deu"]))
    facts: dict = {"issues": [], "principals": []}
    if kind == "yaml":
        doc = draw(scenario_documents())
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        if isinstance(doc.get("issues"), list):
            facts["issues"] = [i.get("id") for i in doc["issues"] if isinstance(i, dict)]
        if isinstance(doc.get("principals"), list):
            facts["principals"] = [p.get("id") for p in doc["principals"] if isinstance(p, dict)]
    elif kind in ("bdm-csv", "bdm-tsv"):
        text = bdm_table(draw, "," if kind == "bdm-csv" else "\t")
    elif kind == "ktab":
        text = ktab_table(draw)
    elif kind == "decide":
        text = decide_table(draw)
        facts["issues"] = ["p0", "p1"]
    else:
        text = deu_table(draw)
        facts["issues"] = ["i0", "i1"]
    return kind, text_mutation(draw, text), facts


SUFFIX = {"yaml": ".yaml", "bdm-csv": ".csv", "bdm-tsv": ".tsv", "ktab": ".csv",
          "decide": ".txt", "deu": ".csv"}


# --- option values, from each command's own declarations ----------------------------------------

def value_kind(param) -> tuple[str, list | None]:
    """int, float or text, and the choices if any (typer 0.29 vendors click: no param.type)."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if annotation is None:  # older typer: click's own parameter types
        kind = getattr(getattr(param, "type", None), "name", "")
        choices = getattr(getattr(param, "type", None), "choices", None)
        return ("int" if "integer" in kind else "float" if "float" in kind else "text",
                list(choices) if choices else None)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if args and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = args[0]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "text", [m.value for m in annotation]
    return {int: "int", float: "float"}.get(annotation, "text"), None


def option_value(draw, name: str, param, where: Path, files: dict, facts: dict) -> str:
    issues = [i for i in facts["issues"] if isinstance(i, str)] or ["i0"]
    principals = [p for p in facts["principals"] if isinstance(p, str)] or ["p"]
    pools = {
        "--model": [*MODEL_NAMES, "oracle", ""],
        "--issue": [*issues, "nosuch", ""],
        "--noise": ["position=10,salience=15", "position=10,salience=15,capability=20",
                    "position=200", "capability=-5", "x=1", "position=abc", "",
                    "position=10,position=20", "position=1e308"],
        "--red-line": [f"{draw(st.sampled_from(principals))}:{draw(st.sampled_from(issues))}"
                       f"{draw(st.sampled_from(['>=', '<=']))}{draw(st.integers(-5, 120))}",
                       "none", "p:i0=>5", "nosuch:i0>=1", "p:i0>=1e308"],
        "--disagreement": ["status-quo", f"{issues[0]}=50", f"{issues[0]}=abc", "escalation",
                           "nosuch-scenario", "=", str(files["scenario"])],
        "--scale": ["0,100", "100,0", "a,b", "1", "0,0", "-1e308,1e308", "0,1e-12"],
        "--weights": ["compromise=2,median=1", "compromise=-1", "x", "nash=nan", "eu=1e308"],
        "--capabilities": [str(files["capabilities"])] * 3 + [str(files["scenario"]),
                                                              str(where / "missing.csv")],
        "--capability-column": ["weight", "other", "nosuch", "1", ""],
        "--institutions": ["average-member", "parity", "council-only", "file", "nobody"],
        "--input-format": ["yaml", "bdm-csv", "bdm-tsv", "ktab", "decide", "deu", "xls"],
        "--out": [str(where / "out.json"), str(where / "out.csv"), str(where / "o.txt"),
                  str(where / "missing" / "o.txt"), str(where)],
        "--to": ["yaml", "ktab", "xlsx"],
        "--scheduler": ["notaurl", "tcp://", "host:99999", "", "tcp://:1", "a b:1"],
        "--workers": ["0", "-1", "x", ""],
        "--catalogue": [str(files["scenario"]), str(where / "missing.yaml")],
        "--cases": [str(where / "empty"), str(files["scenario"]), str(where / "missing")],
        "--deu": [str(files["scenario"]), str(where / "missing.csv")],
    }
    if name in pools:
        return draw(st.sampled_from(pools[name]))
    kind, choices = value_kind(param)
    if choices:
        return draw(st.sampled_from([*map(str, choices), "nosuch"]))
    if kind == "int":
        if draw(st.integers(0, 5)) == 0:
            return draw(st.sampled_from(["-1", "0", "x", "1.5", "", "1e3",
                                         str(2**70) if name == "--seed" else "41"]))
        return str(draw(st.integers(1, 40)))
    if kind == "float":
        return number_text(draw)
    return draw(junk)


def command_line(draw, command: str, files: dict, facts: dict, where: Path,
                 density: int) -> list[str]:
    """A random command line for `command`: its argument, then random options."""
    cmd = load_command(command)
    args: list[str] = [command]
    scenario = str(files["scenario"])
    target = draw(st.sampled_from(["file"] * 6 + ["shipped", "missing", "folder"]))
    source = {"file": scenario, "shipped": "small-yard-high-fence",
              "missing": str(where / "nosuch.yaml"), "folder": str(where)}[target]
    if command == "check":
        args.append(source)
    elif command == "convert":
        args += [source, str(where / draw(st.sampled_from(["c.yaml", "c.csv", "c.xlsx",
                                                             "c.yml"])))]
    elif command == "validate":
        if draw(st.booleans()):
            args += ["--no-cases", "--deu", scenario]
    elif command not in ("scenarios", "schema"):
        args.append(source)
    if command == "report" and target == "shipped":  # the HTML of the full case: ~10 s a page
        args.append("--markdown")
    if facts.get("deu") and draw(st.integers(0, 4)):
        args += ["--capabilities", str(files["capabilities"])]
    for param in cmd.params:
        opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
        if not opts or opts[0] in SKIP_OPTIONS or getattr(param, "param_type_name", "") \
                == "argument":
            continue
        name = opts[0]
        # the loading options mostly where they apply (elsewhere they are a clean error)
        applies = {"--scale": facts.get("bdm"), "--capabilities": facts.get("deu"),
                   "--capability-column": facts.get("deu"), "--institutions": facts.get("deu"),
                   "--input-format": False}.get(name, True)
        if draw(st.integers(0, density if applies else 8 * density)):
            continue
        if getattr(param, "is_flag", False):
            secondary = getattr(param, "secondary_opts", [])
            args.append(draw(st.sampled_from([name, *secondary])))
            continue
        for _ in range(draw(st.integers(1, 2)) if getattr(param, "multiple", False) else 1):
            args += [name, option_value(draw, name, param, where, files, facts)]
    if command == "simulate" and "--draws" not in args:  # its default, 1,000, is slow here
        args += ["--draws", str(draw(st.integers(1, 40)))]
    if command == "report" and "--markdown" not in args and draw(st.integers(0, 3)):
        args.append("--markdown")
    return args


# --- running and judging ------------------------------------------------------------------------

def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def run_and_judge(args: list[str]) -> None:
    runner = CliRunner()
    previous = signal.signal(signal.SIGALRM, _alarm), signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_REAL, WALL_DEADLINE_S)
    signal.setitimer(signal.ITIMER_PROF, CPU_DEADLINE_S)
    start = time.perf_counter()
    try:
        result = runner.invoke(app, args, catch_exceptions=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGALRM, previous[0])
        signal.signal(signal.SIGPROF, previous[1])
    took = time.perf_counter() - start
    OUTCOMES[result.exit_code] += 1
    OUTCOMES["examples"] += 1
    OUTCOMES["seconds"] += took
    if os.environ.get("FUZZ_LOG"):  # one line per example, to see what the fuzz reaches
        with open(os.environ["FUZZ_LOG"], "a", encoding="utf-8") as log:
            first = next((line for line in result.output.splitlines()[1:] if line.strip()), "")
            log.write(f"{result.exit_code}\t{took:.2f}\t{' '.join(args)}\t{first[:160]}\n")
    try:
        judge(args, result)
    except AssertionError as failure:
        if not FULL:
            raise
        FAILURES.append(str(failure))  # the full run goes on, so that its count is complete


def judge(args: list[str], result) -> None:
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        raise AssertionError(f"`grandbargain {' '.join(args)}` raised:\n{trace}")
    assert result.exit_code in (0, 2), \
        f"`grandbargain {' '.join(args)}` exited {result.exit_code}:\n{result.output[-3000:]}"
    if result.exit_code == 2:
        assert result.output.strip(), f"`grandbargain {' '.join(args)}` exited 2 silently"
    assert "Traceback (most recent call last)" not in result.output, result.output[-3000:]


@pytest.fixture
def where(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "empty").mkdir()
    monkeypatch.chdir(folder)  # `validate` without --cases finds no ../shared; report.html here
    monkeypatch.delenv("GRANDBARGAIN_CASES", raising=False)
    return folder


# report renders a whole HTML page, scenarios loads every shipped scenario, schema takes no
# input: picked less often to keep the run short.
COMMAND_WEIGHTS = [c for c in COMMANDS if c not in ("report", "scenarios", "schema")] * 4 + \
    ["report", "report", "scenarios", "schema"]
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=not FULL,
                database=None,
                phases=[Phase.explicit, Phase.generate] if FULL else list(Phase))


@settings(FUZZ, max_examples=examples("files"))
@given(data=st.data())
def test_every_command_on_generated_files(where, data):
    kind, text, facts = data.draw(input_files())
    facts["deu"], facts["bdm"] = kind == "deu", kind.startswith("bdm")
    files = {"scenario": where / f"in{SUFFIX[kind]}", "capabilities": where / "weights.csv"}
    write(files["scenario"], text)
    write(files["capabilities"], capabilities_file(data.draw))
    command = data.draw(st.sampled_from(COMMAND_WEIGHTS))
    run_and_judge(command_line(data.draw, command, files, facts, where, density=6))


@settings(FUZZ, max_examples=examples("options"))
@given(data=st.data())
def test_every_option_with_random_values(where, data):
    """Valid files, many options at once: the options' own parsing and their combinations."""
    doc = data.draw(scenario_documents().filter(lambda d: "principals" in d))
    files = {"scenario": where / "in.yaml", "capabilities": where / "weights.csv"}
    write(files["scenario"], yaml.safe_dump(doc, sort_keys=False))
    write(files["capabilities"], capabilities_file(data.draw))
    facts = {"issues": [i.get("id") for i in doc["issues"] if isinstance(i, dict)]
             if isinstance(doc.get("issues"), list) else [],
             "principals": ["p", "q"], "deu": False}
    command = data.draw(st.sampled_from(COMMAND_WEIGHTS))
    run_and_judge(command_line(data.draw, command, files, facts, where, density=2))


def test_zz_report_outcomes(capsys):
    """Print what the fuzz saw (exit statuses, examples, time) when run with -s; in the full
    run, fail here with every failure it collected."""
    if OUTCOMES:
        with capsys.disabled():
            print(f"\nfuzz outcomes: {dict(OUTCOMES)}; failures: {len(FAILURES)}")
    distinct = list(dict.fromkeys(f.splitlines()[0] for f in FAILURES))
    assert not FAILURES, f"{len(FAILURES)} failures ({len(distinct)} distinct commands):\n" + \
        "\n\n".join(dict.fromkeys(FAILURES))
