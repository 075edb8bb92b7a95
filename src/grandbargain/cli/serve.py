"""`grandbargain serve`: the REST API for teams (web/app.py) on uvicorn.

Only typer and the standard library are imported at module top (start-up speed); the server's
libraries come from the optional extra, named in the error when missing.
"""

from __future__ import annotations

from typing import Annotated

import typer

SERVER_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "alembic")
PAGES_MODULES = ("jinja2", "multipart", "plotly")  # the web app's pages (/app)


def require_server_extra(command: str, modules: tuple[str, ...] = SERVER_MODULES) -> None:
    """Exit with status 1 and the install command when the [server] extra is missing."""
    from importlib.util import find_spec

    missing = [m for m in modules if find_spec(m) is None]
    if missing:
        typer.echo(f"error: `grandbargain {command}` needs the server extra: "
                   f"pip install -e .[server] (missing: {', '.join(missing)})", err=True)
        raise typer.Exit(1)


def open_store_or_exit():
    from grandbargain.store import StoreUnavailable, open_store

    try:
        return open_store()
    except StoreUnavailable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def serve(host: Annotated[str, typer.Option("--host", help="Address to listen on.")
                          ] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
          workers: Annotated[int, typer.Option(
              "--workers", min=1, max=64, help="Runs at the same time (each in its own "
              "process).")] = 2,
          scheduler: Annotated[str | None, typer.Option(
              "--scheduler", help="Run simulate jobs on this Dask cluster: tcp://HOST:PORT of "
              "its scheduler.")] = None,
          max_runs: Annotated[int, typer.Option(
              "--max-runs-per-user", min=1, help="Runs one user may have queued or running."
              )] = 4,
          max_body: Annotated[int, typer.Option(
              "--max-body", min=1024, help="Largest request body in bytes (larger: 413).")
          ] = 4 * 1024 * 1024,
          run_timeout: Annotated[float, typer.Option(
              "--run-timeout", min=1, help="Seconds a run may take before it is stopped.")
          ] = 3600.0) -> None:
    """Serve the REST API for teams: scenarios with versions and diffs, forecasts and other
    runs as background jobs, accounts (OpenAPI at /docs), and the web app's pages at /app
    (sign in with a token).

    The store is SQLite in the user's data directory, or PostgreSQL when
    GRANDBARGAIN_DATABASE_URL names one; it is created and migrated on start. Runs left running
    by a server that stopped are marked failed. Needs the server extra (pip install -e
    .[server]); `grandbargain users add NAME` prints a token for writing.
    """
    require_server_extra("serve", SERVER_MODULES + PAGES_MODULES)
    if scheduler is not None:
        from grandbargain.cli.simulate import check_scheduler

        scheduler = check_scheduler(scheduler)
    import logging

    import uvicorn

    from grandbargain.web.app import create_app

    store = open_store_or_exit()
    app = create_app(store, workers=workers, scheduler=scheduler, max_body=max_body,
                     max_active_runs=max_runs, run_timeout=run_timeout, warm_what_if=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    typer.echo(f"grandbargain server on http://{host}:{port} (web app at /app; API docs at "
               f"/docs; store "
               f"{store.display_url}; {workers} run worker{'s' if workers > 1 else ''}"
               + (f", simulate on Dask at {scheduler}" if scheduler else "") + ")", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True,
                log_config=_log_config())


def _log_config() -> dict:
    """One line per request (uvicorn's access log: client, method, path, status); no
    headers, so no token, is ever logged."""
    fmt = "%(asctime)s %(levelname)s %(message)s"
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": fmt}},
        "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "plain",
                             "stream": "ext://sys.stderr"}},
        "loggers": {"uvicorn": {"handlers": ["err"], "level": "INFO", "propagate": False},
                    "uvicorn.access": {"handlers": ["err"], "level": "INFO",
                                       "propagate": False},
                    "grandbargain": {"handlers": ["err"], "level": "INFO",
                                     "propagate": False}},
    }


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
