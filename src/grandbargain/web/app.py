"""The REST API (FastAPI; OpenAPI at /docs): scenarios with versions, diffs and sharing, runs as
background jobs, the forecast ledger, /health. Writing needs a token (`Authorization: Bearer
TOKEN`, from `grandbargain users add`); the shipped scenarios are public and read-only."""


import json
import logging
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from grandbargain.scenario import ScenarioError
from grandbargain.store import Store
from grandbargain.store import _accounts as accounts
from grandbargain.store import _runs as runs
from grandbargain.store import _scenarios as scenarios
from grandbargain.web._commands import KINDS, OptionError, check_args, option_args

log = logging.getLogger("grandbargain.web")
MAX_BODY = 4 * 1024 * 1024
MAX_ACTIVE_RUNS = 4

# Ids are database integers: larger ones are refused by validation (422), never sent to SQL.
BIGGEST = 2 ** 31 - 1
Id = Annotated[int, Path(ge=1, le=BIGGEST)]
Name = Annotated[str, Path(min_length=1, max_length=200)]
Kind = Literal["forecast", "rounds", "exchanges", "deals", "simulate", "report"]


class ScenarioUpload(BaseModel):
    """A scenario file's text (YAML, JSON, BDM CSV/TSV, KTAB, Decide, DEU: the format is
    sniffed from the file name and text unless given), or a document in the YAML format as
    JSON."""

    name: str | None = Field(None, max_length=200, description="Default: the scenario's id.")
    filename: str = Field("scenario.yaml", min_length=1, max_length=255)
    content: str | None = Field(None, description="The file's text.")
    document: dict[str, Any] | None = Field(None, description="Or the document itself.")
    format: str | None = Field(None, max_length=32, description="yaml, bdm-csv, bdm-tsv, "
                               "ktab, decide or deu (default: sniffed).")
    message: str = Field("", max_length=2000, description="What this version changes.")


class ShareRequest(BaseModel):
    access: Literal["read", "write"]


class RunRequest(BaseModel):
    kind: Kind
    scenario_id: int | None = Field(None, ge=1, le=BIGGEST,
                                    description="A stored scenario (or give shipped).")
    version: int | None = Field(None, ge=1, le=BIGGEST, description="Default: the latest.")
    shipped: str | None = Field(None, max_length=200, description="A shipped scenario id.")
    options: dict[str, Any] = Field(default_factory=dict, description=(
        "The command's own options by name, e.g. {\"model\": [\"median\"], \"draws\": 200}."))
    seed: int | None = Field(None, ge=0, le=2 ** 31 - 1)


def _problems(exc: ScenarioError) -> list[dict[str, Any]]:
    return [{"file": p.location.file, "line": p.location.line, "column": p.location.column,
             "field": p.field, "message": p.message, "text": str(p)} for p in exc.problems]


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413 (by Content-Length, or while
    reading a body sent without one)."""

    def __init__(self, app: Any, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _too_large(self.limit, send)
            return
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(self.limit, send)


class _TooLarge(Exception):
    pass


async def _too_large(limit: int, send: Any) -> None:
    body = json.dumps({"detail": f"request body over {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_app(store: Store, *, workers: int = 2, scheduler: str | None = None,
               start_workers: bool = True, max_body: int = MAX_BODY,
               max_active_runs: int = MAX_ACTIVE_RUNS, run_timeout: float = 3600.0,
               warm_what_if: bool = False) -> FastAPI:
    """The app on `store`; its worker pool starts with the app (not with start_workers=False:
    runs then stay queued, for tests of the API alone). `warm_what_if` computes the default
    scenario's what-if baseline in the background at once (`grandbargain serve` does)."""
    from grandbargain import __version__
    from grandbargain.web._jobs import WorkerPool

    pool = WorkerPool(store, workers, scheduler, timeout=run_timeout)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        failed = runs.recover(store)
        if failed:
            log.warning("%d run(s) left running by a stopped server marked failed", failed)
        if start_workers:
            pool.start()
        try:
            yield
        finally:
            pool.stop()

    app = FastAPI(title="grandbargain", version=__version__, lifespan=lifespan, description=(
        "Scenarios, forecasts and package deals for teams. Writing needs `Authorization: "
        "Bearer TOKEN` (`grandbargain users add NAME` prints one); the shipped scenarios are "
        "public and read-only."))
    app.state.store, app.state.pool = store, pool
    app.add_middleware(BodyLimit, limit=max_body)
    bearer = HTTPBearer(auto_error=False, description="A token from `grandbargain users add`.")

    def caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
               ) -> tuple[int, str] | None:
        if credentials is None:
            return None
        user = accounts.authenticate(store, credentials.credentials)
        if user is None:
            raise HTTPException(401, "invalid or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        return user

    def user_required(user: Annotated[tuple[int, str] | None, Depends(caller)]
                      ) -> tuple[int, str]:
        if user is None:
            raise HTTPException(401, "this request needs a token (Authorization: Bearer "
                                "TOKEN; `grandbargain users add NAME` prints one)",
                                headers={"WWW-Authenticate": "Bearer"})
        return user

    Caller = Annotated[tuple[int, str] | None, Depends(caller)]
    User = Annotated[tuple[int, str], Depends(user_required)]

    @app.exception_handler(ScenarioError)
    async def _scenario_error(_: Request, exc: ScenarioError) -> JSONResponse:
        count = len(exc.problems)
        return JSONResponse({"detail": f"{count} problem{'s' if count > 1 else ''} found",
                             "problems": _problems(exc)}, status_code=422)

    @app.exception_handler(OptionError)
    async def _option_error(_: Request, exc: OptionError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(scenarios.NotFound)
    async def _not_found(_: Request, exc: scenarios.NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(scenarios.Forbidden)
    async def _forbidden(_: Request, exc: scenarios.Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(runs.TooManyRuns)
    async def _too_many(_: Request, exc: runs.TooManyRuns) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=429)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s %s: %s", request.method, request.url.path,
                  type(exc).__name__)
        return JSONResponse({"detail": "internal error (the server's log has its type)"},
                            status_code=500)

    @app.get("/health", tags=["server"])
    def health() -> dict[str, Any]:
        from sqlalchemy import text

        with store.session() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": store.dialect,
                "workers": pool.workers}

    # -- shipped scenarios: public, read-only ---------------------------------------------
    @app.get("/shipped", tags=["scenarios"])
    def shipped_list() -> list[dict[str, Any]]:
        from grandbargain.scenario import builtin_scenarios, load_scenario

        out = []
        for name in builtin_scenarios():
            s = load_scenario(name)
            out.append({"id": name, "title": s.title,
                        "as_of": s.as_of.isoformat() if s.as_of else None})
        return out

    @app.get("/shipped/{name}", tags=["scenarios"])
    def shipped_get(name: Name) -> dict[str, Any]:
        from grandbargain.scenario import builtin_scenarios, load_scenario, scenario_to_document
        from grandbargain.timeline._ledger import scenario_hash

        if name not in builtin_scenarios():
            raise scenarios.NotFound(f"no shipped scenario {name!r}")
        s = load_scenario(name)
        return {"id": name, "content_hash": scenario_hash(s),
                "document": json.loads(json.dumps(scenario_to_document(s), default=str))}

    # -- stored scenarios ----------------------------------------------------------------
    def _upload_text(body: ScenarioUpload) -> tuple[str, str]:
        if (body.content is None) == (body.document is None):
            raise OptionError("give the file's text as content, or the document, not both")
        if body.document is not None:
            filename = body.filename if body.filename.lower().endswith((".yaml", ".yml",
                                                                        ".json")) \
                else "scenario.json"
            return filename, json.dumps(body.document, indent=2, ensure_ascii=False)
        return body.filename, body.content or ""

    @app.post("/scenarios", status_code=201, tags=["scenarios"])
    def scenario_create(body: ScenarioUpload, user: User) -> dict[str, Any]:
        filename, text = _upload_text(body)
        return scenarios.create_scenario(store, user[0], body.name, filename, text,
                                         body.format, body.message)

    @app.get("/scenarios", tags=["scenarios"])
    def scenario_list(user: User) -> list[dict[str, Any]]:
        return scenarios.list_scenarios(store, user[0])

    @app.get("/scenarios/{scenario_id}", tags=["scenarios"])
    def scenario_get(scenario_id: Id, user: Caller) -> dict[str, Any]:
        return scenarios.get_scenario(store, user and user[0], scenario_id)

    @app.get("/scenarios/{scenario_id}/versions/{version}", tags=["scenarios"])
    def scenario_version(scenario_id: Id, version: Id, user: Caller) -> dict[str, Any]:
        return scenarios.get_version(store, user and user[0], scenario_id, version)

    @app.post("/scenarios/{scenario_id}/versions", status_code=201, tags=["scenarios"])
    def scenario_update(scenario_id: Id, body: ScenarioUpload, user: User) -> dict[str, Any]:
        filename, text = _upload_text(body)
        return scenarios.add_version(store, user[0], scenario_id, filename, text, body.format,
                                     body.message)

    @app.get("/scenarios/{scenario_id}/diff", tags=["scenarios"])
    def scenario_diff(scenario_id: Id, user: Caller,
                      old: Annotated[int, Query(alias="from", ge=1, le=BIGGEST)],
                      new: Annotated[int, Query(alias="to", ge=1, le=BIGGEST)]) -> dict[str, Any]:
        return scenarios.diff_versions(store, user and user[0], scenario_id, old, new)

    @app.put("/scenarios/{scenario_id}/shares/{name}", tags=["scenarios"])
    def scenario_share(scenario_id: Id, name: Name, body: ShareRequest,
                       user: User) -> dict[str, Any]:
        try:
            return scenarios.share(store, user[0], scenario_id, name, body.access)
        except ValueError as exc:
            raise OptionError(str(exc)) from None

    @app.delete("/scenarios/{scenario_id}/shares/{name}", tags=["scenarios"])
    def scenario_unshare(scenario_id: Id, name: Name, user: User) -> dict[str, Any]:
        try:
            return scenarios.share(store, user[0], scenario_id, name, None)
        except ValueError as exc:
            raise OptionError(str(exc)) from None

    # -- runs ----------------------------------------------------------------------------
    @app.post("/runs", status_code=202, tags=["runs"])
    def run_create(body: RunRequest, user: User) -> dict[str, Any]:
        from grandbargain.scenario import builtin_scenarios

        if (body.scenario_id is None) == (body.shipped is None):
            raise OptionError("give scenario_id (a stored scenario) or shipped (a shipped "
                              "scenario's id)")
        version = None
        if body.shipped is not None and body.shipped not in builtin_scenarios():
            raise scenarios.NotFound(f"no shipped scenario {body.shipped!r}")
        if body.scenario_id is not None:
            version = scenarios.get_version(store, user[0], body.scenario_id,
                                            body.version)["version"]
        args = option_args(body.kind, body.options, body.seed)
        check_args(body.kind, args)
        run = runs.create_run(store, user[0], body.kind, body.options, body.seed,
                              body.scenario_id, version, body.shipped, max_active_runs)
        pool.wake()
        return run

    @app.get("/runs", tags=["runs"])
    def run_list(user: User) -> list[dict[str, Any]]:
        return runs.list_runs(store, user[0])

    @app.get("/runs/{run_id}", tags=["runs"])
    def run_get(run_id: Id, user: Caller) -> dict[str, Any]:
        return runs.get_run(store, user and user[0], run_id)

    @app.get("/runs/{run_id}/result", tags=["runs"])
    def run_result(run_id: Id, user: Caller) -> dict[str, Any]:
        run = runs.get_run(store, user and user[0], run_id, with_result=True)
        if run["status"] != "done":
            raise HTTPException(409, f"run {run_id} is {run['status']}: no result"
                                + (f" ({run['error']})" if run["error"] else ""))
        return run["result"]

    @app.post("/runs/{run_id}/cancel", tags=["runs"])
    def run_cancel(run_id: Id, user: User) -> dict[str, Any]:
        run = runs.cancel_run(store, user[0], run_id)
        pool.cancel(run_id)
        return run

    @app.get("/kinds", tags=["runs"])
    def kinds() -> dict[str, list[str]]:
        """Each run kind's options (the CLI command's own, by name)."""
        from grandbargain.web._commands import known_options

        return {kind: sorted(known_options(kind)) for kind in KINDS}

    # -- the forecast ledger (read-only over HTTP) ---------------------------------------
    @app.get("/ledger", tags=["ledger"])
    def ledger_list(user: User) -> dict[str, Any]:
        from grandbargain.timeline._ledger import StoreLedger, verify_ledger

        ledger = StoreLedger(store.url)
        verdict = verify_ledger(ledger)
        rows = [{"id": e["id"], "recorded_at": e.get("recorded_at"),
                 "scenario": (e.get("scenario") or {}).get("id"), "hash": e.get("hash")}
                for e in ledger.entries()]
        return {"entries": rows, "head": verdict.head, "ok": verdict.ok,
                "problems": [str(p) for p in verdict.problems]}

    # -- the web app's pages under /app (web/_pages.py) -----------------------------------
    from grandbargain.web._pages import add_pages

    add_pages(app, store, pool, max_active_runs, warm=warm_what_if)
    return app
