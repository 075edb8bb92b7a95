"""A scenario without stances (a deals-only file) is refused, located, by every command that
forecasts (exit status 2, no traceback); the commands that only read it still accept it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.cli._common import FORECASTING_COMMANDS

DEALS_ONLY = """\
scenario:
  id: deals-only
  title: Deals only
issues:
  - id: tariff
    name: Tariff
    scale: {min: 0, max: 100}
    status_quo: 50
  - id: chips
    name: Chips
    scale: {min: 0, max: 100}
    status_quo: 50
actors:
  - id: a
    name: A
    capability: 1
  - id: b
    name: B
    capability: 2
principals:
  - id: p
    name: P
    weights: {tariff: 1, chips: 1}
    ideal: {tariff: 10, chips: 90}
  - id: q
    name: Q
    weights: {tariff: 1, chips: 2}
    ideal: {tariff: 90, chips: 10}
"""

ARGS = {"forecast": [], "simulate": ["--draws", "5"], "report": [], "rounds": [],
        "exchanges": [], "timeline": [], "ledger record": []}


@pytest.fixture(scope="module")
def deals_only(tmp_path_factory):
    path = tmp_path_factory.mktemp("no-stances") / "deals-only.yaml"
    path.write_text(DEALS_ONLY)
    return path


def test_every_forecasting_command_is_covered():
    assert set(ARGS) == FORECASTING_COMMANDS


@pytest.mark.parametrize("command", sorted(ARGS))
def test_a_forecasting_command_refuses_a_scenario_without_stances(command, deals_only, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)  # report writes report.html, ledger record its ledger, here
    monkeypatch.setenv("GRANDBARGAIN_LEDGER", str(tmp_path / "ledger"))
    result = CliRunner().invoke(app, [*command.split(), str(deals_only), *ARGS[command]])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{deals_only} [stances]: no actor has a stance" in " ".join(result.output.split())
    assert f"`grandbargain {command}` has nothing to forecast" in " ".join(result.output.split())
    assert not list(tmp_path.iterdir())  # refused before writing anything


@pytest.mark.parametrize("command", ["check", "show", "deals"])
def test_reading_commands_still_accept_it(command, deals_only):
    result = CliRunner().invoke(app, [command, str(deals_only)])
    assert result.exit_code == 0, result.output
