"""The command line: one module per command group, each with `register(app)`.

Every command loads its input through `_common.load`, so bad input always ends in the same
clean list of problems and exit status 2.

Start-up stays fast because nothing heavy is imported before it is used: the command modules
(and through them numpy, the models, the reports) are imported only when their command runs or
its help is asked for; `grandbargain --help` lists the commands from the table below (a test
checks it against the commands' own docstrings). Typer's rich help is off for the same reason
(it imports rich's markdown and syntax modules, ~0.15 s); click's plain help is shown instead.
Values of plain types (strings, paths, numbers, enums) are converted without pydantic
(`_params`, ~0.1 s).
"""

from __future__ import annotations

import importlib
import sys
import textwrap
from typing import Any

import typer
from typer.core import TyperGroup

from grandbargain.cli._params import install as _install_plain_params

_install_plain_params()  # values of plain types converted without pydantic (BL-12)

# Command name -> (module under grandbargain.cli, one-line help shown by `grandbargain --help`).
COMMANDS: dict[str, tuple[str, str]] = {
    "forecast": ("forecast", "Forecast every issue with each model (default scenario: the "
                 "US-China case), opening with the bottom line;"),
    "rounds": ("rounds", "Show the expected-utility model round by round: positions, risk, "
               "accepted offers."),
    "exchanges": ("exchanges", "Who trades support with whom across issues, round by round "
                  "(Stokman's exchange model)."),
    "deals": ("deals", "Package deals between the scenario's principals: the Pareto frontier, "
              "the ZOPA, the Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages, who "
              "concedes what, and the top logrolls."),
    "validate": ("validate", "Score every model on every case with a known outcome (and on a "
                 "DEU III table)."),
    "simulate": ("simulate", "Forecast every issue under input uncertainty: quantiles, "
                 "anchor-band probabilities and an ensemble of the models, from N seeded draws "
                 "(in process, or on Dask)."),
    "scenarios": ("scenarios", "List the scenarios shipped with grandbargain."),
    "show": ("scenarios", "Show the actors-by-issues table of positions and saliences."),
    "check": ("scenarios", "Check scenario files; list every problem (file:line:column "
              "[field]: what) or say OK."),
    "schema": ("scenarios", "Print the JSON Schema of the scenario format (for editor "
               "completion and checks)."),
    "convert": ("scenarios", "Convert a scenario between formats (writes YAML or KTAB CSV)."),
    "report": ("report", "Report for analysts: positions, forecasts, rounds, package deals, "
               "sources."),
    "tariffs": ("tariffs", "Tariffs as bargaining chips: the 2 April 2025 formula and the tariff "
                "stack by date."),
    "timeline": ("timeline", "Replay an events file: forecasts and the package at every event "
                 "date, and why they moved."),
    "ledger": ("ledger", "A hash-chained record of forecasts: record, list, show, verify, "
               "score against outcomes, import a file into the server's store."),
    "serve": ("serve", "Serve the REST API for teams: scenarios with versions and diffs, "
              "forecasts and other runs as background jobs, accounts (OpenAPI at /docs), "
              "and the web app's pages at /app (sign in with a token)."),
    "users": ("users", "Accounts of the server's store: add a user and print its token once, "
              "new tokens, list."),
    "negotiate": ("negotiate", "Alternating offers between the principals until one accepts or "
                  "the deadline passes:"),
}

_loaded: dict[str, Any] = {}


def load_command(name: str) -> Any:
    """The click command `name`, importing its module (and registering its group) on first use."""
    if name not in _loaded:
        module = importlib.import_module(f"grandbargain.cli.{COMMANDS[name][0]}")
        group = typer.Typer(pretty_exceptions_enable=False,
                            add_completion=False)
        group.callback()(lambda: None)  # a group even when the module registers one command
        module.register(group)
        built = typer.main.get_group(group)
        _loaded.update((n, c) for n, c in built.commands.items() if n in COMMANDS)
    return _loaded[name]


class LazyGroup(TyperGroup):
    """The top-level group: knows the commands' names and summaries, imports them on use."""

    # Typer 0.29 vendors click (typer._click), older Typers use click itself: no click types here.
    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a ScenarioError that escapes it ends as the same clean list of
        problems and exit status 2 as `_common.fail` gives (in process, as from the shell)."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            scenario = sys.modules.get("grandbargain.scenario")  # not loaded: not one of ours
            if scenario is None or not isinstance(exc, scenario.ScenarioError):
                raise
            from grandbargain.cli._common import fail

            fail(exc)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        limit = max(30, formatter.width - 6 - max(len(n) for n in COMMANDS))
        rows = [(name, textwrap.shorten(summary, limit, placeholder="..."))
                for name, (_, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="grandbargain",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """Forecast and design multi-issue bargains between governments."""


def main() -> None:
    app()
