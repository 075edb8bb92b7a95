"""The command line: one module per command group, each with `register(app)`.

Every command loads its input through `_common.load`, so bad input always ends in the same
clean list of problems and exit status 2.
"""

from __future__ import annotations

import sys

import typer

from grandbargain.cli import (
    deals,
    exchanges,
    forecast,
    report,
    rounds,
    scenarios,
    simulate,
    validate,
)
from grandbargain.scenario import ScenarioError

app = typer.Typer(
    name="grandbargain",
    help="Forecast and design multi-issue bargains between governments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

for _group in (
    forecast,
    rounds,
    exchanges,
    deals,
    validate,
    simulate,
    scenarios,
    report,
):
    _group.register(app)
__import__("grandbargain.cli.tariffs", fromlist=["register"]).register(app)
__import__("grandbargain.cli.timeline", fromlist=["register"]).register(app)
__import__("grandbargain.cli.ledger", fromlist=["register"]).register(app)


def main() -> None:
    try:
        app()
    except ScenarioError as exc:
        from grandbargain.cli._common import fail

        try:
            fail(exc)
        except typer.Exit as done:
            sys.exit(done.exit_code)
