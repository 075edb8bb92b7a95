"""`grandbargain users`: accounts of the server's store: add a user (printing its token once),
issue a new token, list users. Needs the server extra."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(name="users", no_args_is_help=True, help=(
    "Accounts of the server's store: add a user and print its token once, new tokens, list."))

NameArg = Annotated[str, typer.Argument(help="The user's name (letters, digits, . _ -).")]


def _store():
    from grandbargain.cli.serve import open_store_or_exit, require_server_extra

    require_server_extra("users")
    return open_store_or_exit()


def _refuse(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


@app.command("add")
def add(name: NameArg) -> None:
    """Add a user and print its API token (shown this once; the store keeps only a hash)."""
    store = _store()
    from grandbargain.store._accounts import AccountError, add_user

    try:
        _, token = add_user(store, name)
    except AccountError as exc:
        _refuse(exc)
        return
    typer.echo(token)
    typer.echo(f"user {name} added to {store.display_url}; the token above is shown only "
               "now: keep it (Authorization: Bearer TOKEN)", err=True)


@app.command("token")
def token(name: NameArg, revoke_old: Annotated[bool, typer.Option(
        "--revoke-old", help="Revoke the user's other tokens.")] = False) -> None:
    """Print a new token for an existing user (shown this once)."""
    store = _store()
    from grandbargain.store._accounts import AccountError, new_token

    try:
        typer.echo(new_token(store, name, revoke_old))
    except AccountError as exc:
        _refuse(exc)


@app.command("list")
def list_users(as_json: Annotated[bool, typer.Option("--json", help="As JSON.")] = False
               ) -> None:
    """Every user: id, name, when added, live tokens (never the tokens)."""
    store = _store()
    from grandbargain.store._accounts import list_users as rows_of

    rows = rows_of(store)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(f"{len(rows)} users in {store.display_url}")
    for row in rows:
        typer.echo(f"{row['id']:>4}  {row['name']:<24} {row['created_at'][:19]}  "
                   f"{row['tokens']} token{'s' if row['tokens'] != 1 else ''}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="users")
