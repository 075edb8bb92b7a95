"""Start-up: `grandbargain --help` imports nothing heavy; the listed summaries are the commands'."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grandbargain.cli import COMMANDS, app, load_command

HEAVY = ("numpy", "scipy", "pydantic", "plotly", "matplotlib", "dask", "pandas", "rich",
         "grandbargain.scenario", "grandbargain.models", "grandbargain.report",
         "grandbargain.uncertainty", "grandbargain.deals")
SRC = str(Path(__file__).resolve().parents[1] / "src")


def imported_modules(*args: str) -> set[str]:
    """The modules `python -X importtime -m grandbargain ARGS` imports (in a fresh process)."""
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "grandbargain", *args],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_help_imports_nothing_heavy():
    modules = imported_modules("--help")
    assert "grandbargain.cli" in modules  # the probe sees the package's own imports
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY
                   or any(m.startswith(h + ".") for h in HEAVY))
    assert heavy == [], f"`grandbargain --help` imports {heavy}"


def test_help_lists_every_command_with_its_own_summary():
    from typer.testing import CliRunner

    out = CliRunner().invoke(app, ["--help"]).output
    for name, (_, summary) in COMMANDS.items():
        command = load_command(name)
        assert name in out
        first_paragraph = " ".join((command.help or "").split("\n\n")[0].split())
        assert first_paragraph.startswith(summary), (name, first_paragraph)


def test_every_registered_command_is_listed():
    """A command a module registers but the table forgets would be unreachable."""
    import importlib

    import typer

    for module in sorted({m for m, _ in COMMANDS.values()}):
        group = typer.Typer()
        group.callback()(lambda: None)
        importlib.import_module(f"grandbargain.cli.{module}").register(group)
        names = set(typer.main.get_group(group).commands)
        assert names <= set(COMMANDS), names - set(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_help_works(name):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert load_command(name).name == name


def test_constants_kept_in_the_cli_agree_with_their_packages():
    from grandbargain.cli._common import DEFAULT_SCENARIO, INSTITUTION_RULES
    from grandbargain.scenario import DEFAULT_SCENARIO as scenario_default
    from grandbargain.validate import INSTITUTIONS

    assert scenario_default == DEFAULT_SCENARIO
    assert tuple(INSTITUTIONS) == INSTITUTION_RULES
