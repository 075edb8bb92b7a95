"""The web app's pages under /app (server-rendered Jinja2 templates, a small ES module, plotly.js
from the installed plotly package): sign in with a token (an HttpOnly, SameSite=Strict
cookie), the scenario list, a scenario's actors-by-issues grid with its problems at the cells,
saving versions, history and diffs, runs through the server's job machinery with their
progress, results with the report's charts, and what-if forecasts of unsaved edits. English
and 繁體中文 (`?lang=`, kept in the cookie gb_lang). The URL and data-testid contract is in
docs/architecture.md ("Web app")."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)

from grandbargain.scenario import ScenarioError
from grandbargain.store import _accounts as accounts
from grandbargain.store import _runs as runs
from grandbargain.store import _scenarios as scenarios
from grandbargain.web import _views as views
from grandbargain.web._words import LANGS, PLOTLY_ZH_TW, WORDS, word, words

HERE = Path(__file__).parent
TOKEN_COOKIE = "gb_token"
LANG_COOKIE = "gb_lang"
SAVED_COOKIE = "gb_saved"
PAGE_KINDS = ("forecast", "deals", "simulate")
BIGGEST = 2 ** 31 - 1
SECURITY_HEADERS = {
    # Everything the pages load comes from this server, with no inline script; plotly.js
    # sets inline styles.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
                               "style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def plotly_path() -> Path:
    """plotly.js as shipped inside the installed plotly package (never copied, never a CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _int(text: str | None, default: int | None = None) -> int | None:
    try:
        value = int(str(text))
    except (TypeError, ValueError):
        return default
    return value if 1 <= value <= BIGGEST else default


def add_pages(app: FastAPI, store: Any, pool: Any, max_active_runs: int,
              warm: bool = False) -> None:
    env = _environment()
    if warm:  # the default scenario's what-if baseline, before anyone asks
        views.warm_default()

    def lang_of(request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked in LANGS:
            return asked
        kept = request.cookies.get(LANG_COOKIE)
        return kept if kept in LANGS else "en"

    def user_of(request: Request) -> tuple[int, str] | None:
        return accounts.authenticate(store, request.cookies.get(TOKEN_COOKIE))

    def switch_url(request: Request, lang: str) -> str:
        params = dict(request.query_params)
        params["lang"] = "zh" if lang == "en" else "en"
        return f"{request.url.path}?{urlencode(params)}"

    def page(request: Request, template: str, status: int = 200, **context: Any
             ) -> HTMLResponse:
        lang = context.pop("lang", None) or lang_of(request)
        user = context.pop("user", None)
        html = env.get_template(template).render(
            lang=lang, html_lang="zh-Hant" if lang == "zh" else "en", t=words(lang),
            user=user, switch_url=switch_url(request, lang), **context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    @app.middleware("http")
    async def keep_language(request: Request, call_next: Any) -> Response:
        """`?lang=en|zh` on any page (a redirect too) is kept in the gb_lang cookie."""
        response = await call_next(request)
        asked = request.query_params.get("lang")
        if asked in LANGS and request.url.path.startswith("/app"):
            response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, httponly=True,
                                samesite="strict", path="/app")
        return response

    def to_sign_in() -> RedirectResponse:
        return RedirectResponse("/app/sign-in", status_code=303)

    def not_found(request: Request, user: Any, message: str) -> HTMLResponse:
        return page(request, "message.html.j2", 404, user=user,
                    title=word("not_found", lang_of(request)), message=message)

    # -- sign in -------------------------------------------------------------------------
    @app.get("/app", include_in_schema=False)
    def app_root(request: Request) -> Response:
        return RedirectResponse("/app/scenarios" if user_of(request) else "/app/sign-in",
                                status_code=303)

    @app.get("/app/sign-in", include_in_schema=False)
    def sign_in_form(request: Request) -> Response:
        return page(request, "sign_in.html.j2", error=False)

    @app.post("/app/sign-in", include_in_schema=False)
    async def sign_in(request: Request) -> Response:
        form = await request.form()
        token = str(form.get("token") or "").strip()
        user = accounts.authenticate(store, token)
        if user is None:
            # 200, not 401: the refusal is this page's answer (S-006)
            return page(request, "sign_in.html.j2", error=True)
        response = RedirectResponse("/app/scenarios", status_code=303)
        response.set_cookie(TOKEN_COOKIE, token, max_age=30 * 86400, httponly=True,
                            samesite="strict", path="/")
        return response

    @app.post("/app/sign-out", include_in_schema=False)
    def sign_out() -> Response:
        response = RedirectResponse("/app/sign-in", status_code=303)
        response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    # -- scenario list -------------------------------------------------------------------
    @app.get("/app/scenarios", include_in_schema=False)
    def scenario_list(request: Request) -> Response:
        user = user_of(request)
        if user is None:
            return to_sign_in()
        from grandbargain.scenario import builtin_scenarios, load_scenario

        lang = lang_of(request)
        shipped = []
        for name in builtin_scenarios():
            s = load_scenario(name)
            shipped.append({"id": name, "title": s.text(lang),
                            "as_of": s.as_of.isoformat() if s.as_of else "",
                            "issues": len(s.issues), "actors": len(s.actors)})
        own = scenarios.list_scenarios(store, user[0])
        return page(request, "scenarios.html.j2", user=user, shipped=shipped, own=own)

    # -- a scenario's page ---------------------------------------------------------------
    def latest_result(user_id: int, source: views.Source, version: int | None
                      ) -> dict[str, Any] | None:
        for run in runs.list_runs(store, user_id, limit=200):
            if run["kind"] not in PAGE_KINDS or run["status"] != "done":
                continue
            if source.shipped is not None and run["shipped_scenario"] == source.shipped:
                return run
            if source.scenario_id is not None and run["scenario_id"] == source.scenario_id \
                    and run["scenario_version"] == version:
                return run
        return None

    def twin_of(user_id: int, run: dict[str, Any], lang: str) -> dict[str, Any] | None:
        """The user's run of the same command on the same scenario in `lang` (decision
        S-005): the newest done one, else the newest still queued or running."""
        wanted = {**(run.get("options") or {}), "lang": lang}
        active = None
        for other in runs.list_runs(store, user_id, limit=200):
            if other["kind"] != run["kind"] or (other["options"] or {}) != wanted or \
                    other["seed"] != run["seed"] or \
                    other["shipped_scenario"] != run["shipped_scenario"] or \
                    other["scenario_id"] != run["scenario_id"] or \
                    other["scenario_version"] != run["scenario_version"]:
                continue
            if other["status"] == "done":
                return other
            if other["status"] in runs.ACTIVE and active is None:
                active = other
        return active

    def results_context(user_id: int, run: dict[str, Any], scenario: Any, lang: str
                        ) -> dict[str, Any]:
        """The results of `run` in the page's language: its own when it ran in that language,
        else its twin's (the same command run again with --lang); while there is no finished
        twin, what the page needs to ask for one and follow it."""
        if _run_lang(run) != lang:
            twin = twin_of(user_id, run, lang)
            if twin is None or twin["status"] != "done":
                return {"pending": True, "run": run, "twin": twin,
                        "kind_label": word(f"kind_{run['kind']}", lang)}
            run = twin
        full = runs.get_run(store, user_id, run["id"], with_result=True)
        run_lang = _run_lang(full)
        key = (store.url, full["id"])  # a finished run's result never changes
        view = views.result_views.get(key)
        if view is None:
            view = views.result_view(full["kind"], full["result"], scenario, run_lang)
            views.result_views.put(key, view)
        return {"run": full, "view": view, "run_lang": run_lang,
                "rt": words(run_lang), "report_url": _report_url(full, lang)}

    def scenario_page(request: Request, user: tuple[int, str], source: views.Source,
                      refused: bool = False, typed: dict[str, str] | None = None,
                      cell_errors: dict[str, list[str]] | None = None,
                      other_errors: list[str] | None = None, message: str = "",
                      notice: str = "") -> Response:
        lang = lang_of(request)
        try:
            scenario, info = views.load_source(store, user[0], source)
        except scenarios.NotFound as exc:
            return not_found(request, user, str(exc))
        if source.scenario_id is not None:
            source = views.Source(scenario_id=source.scenario_id, version=info["version"])
        if not refused:
            views.warm_forecast(scenario, lang)
        run = latest_result(user[0], source, info.get("version"))
        results = results_context(user[0], run, scenario, lang) if run else None
        if source.shipped is not None:
            save_url = f"/app/shipped/{source.shipped}/save"
            history_url = None
        else:
            save_url = f"/app/scenarios/{source.scenario_id}/save"
            history_url = f"/app/scenarios/{source.scenario_id}/history"
        return page(request, "scenario.html.j2", user=user, lang=lang,
                    scenario=scenario, title=scenario.text(lang), info=info,
                    source=source, source_json=source.as_json(), grid=views.grid(scenario, lang),
                    typed=typed or {}, cell_errors=cell_errors or {},
                    other_errors=other_errors or [], message=message, notice=notice,
                    save_url=save_url, history_url=history_url, results=results,
                    plotly_words=PLOTLY_ZH_TW if lang == "zh" else None,
                    can_save=info["access"] in ("shipped", "owner", "write"))

    @app.get("/app/shipped/{name}", include_in_schema=False)
    def shipped_page(request: Request, name: str) -> Response:
        user = user_of(request)
        if user is None:
            return to_sign_in()
        return scenario_page(request, user, views.Source(shipped=name))

    @app.get("/app/scenarios/{scenario_id}", include_in_schema=False)
    def stored_page(request: Request, scenario_id: str) -> Response:
        user = user_of(request)
        if user is None:
            return to_sign_in()
        number = _int(scenario_id)
        if number is None:
            return not_found(request, user, f"no scenario {scenario_id!r}")
        version = _int(request.query_params.get("version"))
        saved = _int(request.cookies.get(SAVED_COOKIE))
        response = scenario_page(
            request, user, views.Source(scenario_id=number, version=version),
            notice=word("saved_ok", lang_of(request)).format(n=saved)
            if saved is not None and saved == version else "")
        if saved is not None:
            response.delete_cookie(SAVED_COOKIE, path="/app", httponly=True, samesite="strict")
        return response

    async def save(request: Request, user: tuple[int, str], source: views.Source) -> Response:
        """A refused save (problems, no permission) answers 200 with the page and its
        messages: a page's refusal is its answer, not a failed request (S-006)."""
        lang = lang_of(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        message = form.get("message", "")[:2000]
        base = _int(form.get("base_version"))
        if source.scenario_id is not None:
            source = views.Source(scenario_id=source.scenario_id, version=base)
        try:
            scenario, _ = views.load_source(store, user[0], source)
        except scenarios.NotFound as exc:
            return not_found(request, user, str(exc))
        edits = views.edits_from_form(form, scenario)
        typed = {k: v for k, v in form.items() if k.startswith(views.EDITABLE)}
        edited, cells, other = views.check_edits(scenario, edits, lang)
        if edited is None:
            return scenario_page(request, user, source, True, typed, cells,
                                 [word("not_saved", lang), *other], message)
        text = views.edited_text(scenario, edits)
        try:
            if source.shipped is not None:
                made = scenarios.create_scenario(store, user[0], scenario.text("en"),
                                                 views.EDITED_FILENAME, text, None, message)
                scenario_id, version = made["id"], made["latest_version"]
            else:
                made = scenarios.add_version(store, user[0], source.scenario_id,
                                             views.EDITED_FILENAME, text, None, message)
                scenario_id, version = source.scenario_id, made["version"]
        except scenarios.Forbidden:
            return scenario_page(request, user, source, True, typed, {},
                                 [word("read_only", lang)], message)
        except ScenarioError as exc:
            return scenario_page(request, user, source, True, typed, {},
                                 [str(p) for p in exc.problems], message)
        response = RedirectResponse(f"/app/scenarios/{scenario_id}?version={version}",
                                    status_code=303)
        # the next page says "saved as version N" once
        response.set_cookie(SAVED_COOKIE, str(version), max_age=60, httponly=True,
                            samesite="strict", path="/app")
        return response

    @app.post("/app/shipped/{name}/save", include_in_schema=False)
    async def shipped_save(request: Request, name: str) -> Response:
        user = user_of(request)
        if user is None:
            return to_sign_in()
        return await save(request, user, views.Source(shipped=name))

    @app.post("/app/scenarios/{scenario_id}/save", include_in_schema=False)
    async def stored_save(request: Request, scenario_id: str) -> Response:
        user = user_of(request)
        if user is None:
            return to_sign_in()
        number = _int(scenario_id)
        if number is None:
            return not_found(request, user, f"no scenario {scenario_id!r}")
        return await save(request, user, views.Source(scenario_id=number))

    # -- history and diff ----------------------------------------------------------------
    @app.get("/app/scenarios/{scenario_id}/history", include_in_schema=False)
    def history(request: Request, scenario_id: str) -> Response:
        user = user_of(request)
        if user is None:
            return to_sign_in()
        number = _int(scenario_id)
        try:
            if number is None:
                raise scenarios.NotFound(f"no scenario {scenario_id!r}")
            info = scenarios.get_scenario(store, user[0], number)
        except scenarios.NotFound as exc:
            return not_found(request, user, str(exc))
        versions = list(reversed(info["versions"]))
        return page(request, "history.html.j2", user=user, info=info, versions=versions)

    @app.get("/app/scenarios/{scenario_id}/diff", include_in_schema=False)
    def diff(request: Request, scenario_id: str) -> Response:
        user = user_of(request)
        if user is None:
            return to_sign_in()
        number = _int(scenario_id)
        old, new = _int(request.query_params.get("old")), _int(request.query_params.get("new"))
        try:
            if number is None or old is None or new is None:
                raise scenarios.NotFound("give two versions: ?old=N&new=M")
            info = scenarios.get_scenario(store, user[0], number)
            found = scenarios.diff_versions(store, user[0], number, old, new)
        except scenarios.NotFound as exc:
            return not_found(request, user, str(exc))
        return page(request, "diff.html.j2", user=user, info=info, old=old, new=new,
                    identical=found["identical"], rows=_diff_rows(found))

    # -- static files ----------------------------------------------------------------------
    @app.get("/app/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return FileResponse(plotly_path(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/app/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        kinds = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
        path = HERE / "static" / name
        if "/" in name or name.startswith(".") or path.suffix not in kinds or \
                not path.is_file():
            return JSONResponse({"detail": "not found"}, status_code=404)
        return FileResponse(path, media_type=kinds[path.suffix],
                            headers={"Cache-Control": "no-cache"})

    # -- the JSON the pages call (cookie-authenticated) ------------------------------------
    async def json_body(request: Request) -> dict[str, Any]:
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise _ApiError(415, "send JSON (Content-Type: application/json)")
        try:
            body = await request.json()
        except ValueError:
            raise _ApiError(400, "the body is not JSON") from None
        if not isinstance(body, dict):
            raise _ApiError(400, "the body must be a JSON object")
        return body

    def api_user(request: Request) -> tuple[int, str]:
        user = user_of(request)
        if user is None:
            raise _ApiError(401, "sign in first (/app/sign-in)")
        return user

    def source_of(body: dict[str, Any]) -> views.Source:
        raw = body.get("source")
        if not isinstance(raw, dict):
            raise _ApiError(422, "source: give {\"shipped\": ID} or {\"scenario_id\": N}")
        if raw.get("shipped") is not None:
            return views.Source(shipped=str(raw["shipped"]))
        number = _int(raw.get("scenario_id"))
        if number is None:
            raise _ApiError(422, "source: give {\"shipped\": ID} or {\"scenario_id\": N}")
        return views.Source(scenario_id=number, version=_int(raw.get("version")))

    def edits_of(body: dict[str, Any]) -> list[dict[str, Any]]:
        edits = body.get("edits") or []
        if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits) \
                or len(edits) > 10_000:
            raise _ApiError(422, "edits: a list of {actor, issue, field, value}")
        return edits

    @app.exception_handler(_ApiError)
    async def _api_error(_: Request, exc: _ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    def loaded(user: tuple[int, str], source: views.Source) -> Any:
        try:
            return views.load_source(store, user[0], source)[0]
        except scenarios.NotFound as exc:
            raise _ApiError(404, str(exc)) from None

    @app.post("/app/api/check", include_in_schema=False)
    async def api_check(request: Request) -> JSONResponse:
        user = api_user(request)
        body = await json_body(request)
        scenario = loaded(user, source_of(body))
        lang = body.get("lang") if body.get("lang") in LANGS else lang_of(request)
        try:
            edited, cells, other = views.check_edits(scenario, edits_of(body), lang)
        except views.EditError as exc:
            raise _ApiError(422, str(exc)) from None
        return JSONResponse({"ok": edited is not None, "problems": cells, "other": other})

    @app.post("/app/api/what-if", include_in_schema=False)
    async def api_what_if(request: Request) -> JSONResponse:
        user = api_user(request)
        body = await json_body(request)
        lang = body.get("lang") if body.get("lang") in LANGS else lang_of(request)
        source, edits = source_of(body), edits_of(body)
        scenario = loaded(user, source)
        from starlette.concurrency import run_in_threadpool

        try:
            result = await run_in_threadpool(views.what_if, scenario, edits, lang)
        except views.EditError as exc:
            raise _ApiError(422, str(exc)) from None
        if result["ok"]:
            result["html"] = env.get_template("_what_if.html.j2").render(
                t=words(lang), result=result, lang=lang)
        return JSONResponse(result)

    @app.post("/app/api/runs", include_in_schema=False)
    async def api_run(request: Request) -> JSONResponse:
        user = api_user(request)
        body = await json_body(request)
        kind = body.get("kind")
        if kind not in PAGE_KINDS:
            raise _ApiError(422, f"kind: one of {', '.join(PAGE_KINDS)}")
        lang = body.get("lang") if body.get("lang") in LANGS else lang_of(request)
        source = source_of(body)
        version = None
        if source.shipped is not None:
            from grandbargain.scenario import builtin_scenarios

            if source.shipped not in builtin_scenarios():
                raise _ApiError(404, f"no shipped scenario {source.shipped!r}")
        else:
            try:
                version = scenarios.get_version(store, user[0], source.scenario_id,
                                                source.version)["version"]
            except scenarios.NotFound as exc:
                raise _ApiError(404, str(exc)) from None
        options: dict[str, Any] = {"lang": lang}
        if kind == "simulate":  # the page's two simulate options, checked by its parser
            for name in ("noise", "draws"):
                value = body.get(name)
                if value not in (None, ""):
                    options[name] = str(value).strip()
        from grandbargain.web._commands import OptionError, check_args, option_args

        # A refused run is an answer the page shows at run-error, not a failed request (a
        # browser logs every 4xx response as a console error).
        try:
            check_args(kind, option_args(kind, options, None))
        except OptionError as exc:
            return JSONResponse({"ok": False, "detail": str(exc)})
        try:
            run = runs.create_run(store, user[0], kind, options, None,
                                  source.scenario_id, version, source.shipped, max_active_runs)
        except runs.TooManyRuns as exc:
            return JSONResponse({"ok": False, "detail": str(exc)})
        pool.wake()
        return JSONResponse({"ok": True, **run, "message": run_message(run, lang)},
                            status_code=202)

    def api_run_of(request: Request, run_id: str, with_result: bool = False) -> dict:
        user = api_user(request)
        number = _int(run_id)
        try:
            if number is None:
                raise scenarios.NotFound(f"no run {run_id!r}")
            return runs.get_run(store, user[0], number, with_result=with_result)
        except scenarios.NotFound as exc:
            raise _ApiError(404, str(exc)) from None

    @app.get("/app/api/runs/{run_id}", include_in_schema=False)
    def api_run_status(request: Request, run_id: str) -> JSONResponse:
        run = api_run_of(request, run_id)
        answer = {k: run[k] for k in ("id", "kind", "status", "progress", "error",
                                      "elapsed_seconds")}
        answer["message"] = run_message(run, lang_of(request))
        return JSONResponse(answer)

    @app.post("/app/api/runs/{run_id}/cancel", include_in_schema=False)
    def api_run_cancel(request: Request, run_id: str) -> JSONResponse:
        """Cancel a queued or running run (its starter only): queued ones at once, running
        ones when the worker has stopped its process."""
        user = api_user(request)
        run = api_run_of(request, run_id)
        try:
            run = runs.cancel_run(store, user[0], run["id"])
        except scenarios.Forbidden as exc:
            raise _ApiError(403, str(exc)) from None
        pool.cancel(run["id"])
        return JSONResponse({"ok": True, **{k: run[k] for k in ("id", "kind", "status")},
                             "message": run_message(run, lang_of(request))})

    @app.post("/app/api/runs/{run_id}/lang", include_in_schema=False)
    async def api_run_in_language(request: Request, run_id: str) -> JSONResponse:
        """A finished run in another language (S-005): its twin, found or started (the same
        command, options and seed with --lang)."""
        user = api_user(request)
        body = await json_body(request)
        lang = body.get("lang")
        if lang not in LANGS:
            raise _ApiError(422, f"lang: one of {', '.join(LANGS)}")
        run = api_run_of(request, run_id)
        if run["kind"] not in PAGE_KINDS:
            raise _ApiError(422, f"kind: one of {', '.join(PAGE_KINDS)}")
        if run["status"] != "done":
            raise _ApiError(409, f"run {run['id']} is {run['status']}")
        twin = run if _run_lang(run) == lang else twin_of(user[0], run, lang)
        if twin is not None:
            return JSONResponse({"ok": True, **twin})
        try:
            twin = runs.create_run(store, user[0], run["kind"],
                                   {**(run["options"] or {}), "lang": lang}, run["seed"],
                                   run["scenario_id"], run["scenario_version"],
                                   run["shipped_scenario"], max_active_runs)
        except runs.TooManyRuns as exc:
            return JSONResponse({"ok": False, "detail": str(exc)})
        pool.wake()
        return JSONResponse({"ok": True, **twin}, status_code=202)

    @app.get("/app/api/runs/{run_id}/view", include_in_schema=False)
    def api_run_view(request: Request, run_id: str) -> Response:
        user = api_user(request)
        run = api_run_of(request, run_id)
        if run["status"] != "done":
            raise _ApiError(409, f"run {run['id']} is {run['status']}")
        source = views.Source(shipped=run["shipped_scenario"]) if run["shipped_scenario"] \
            else views.Source(scenario_id=run["scenario_id"], version=run["scenario_version"])
        scenario = loaded(user, source)
        lang = lang_of(request)
        html = env.get_template("_results.html.j2").render(
            t=words(lang), lang=lang, results=results_context(user[0], run, scenario, lang))
        return HTMLResponse(html, headers=SECURITY_HEADERS)

    @app.get("/app/api/runs/{run_id}/download", include_in_schema=False)
    def api_download(request: Request, run_id: str) -> Response:
        run = api_run_of(request, run_id, with_result=True)
        if run["status"] != "done":
            raise _ApiError(409, f"run {run['id']} is {run['status']}")
        name = f"{run['shipped_scenario'] or 'scenario-' + str(run['scenario_id'])}-" \
            f"{run['kind']}-{run['id']}"
        if request.query_params.get("format") == "csv":
            return Response(views.result_csv(run["kind"], run["result"]),
                            media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        text = json.dumps(run["result"], indent=2, ensure_ascii=False)
        return Response(text + "\n", media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}.json"'})

    @app.get("/app/api/report", include_in_schema=False)
    def api_report(request: Request) -> Response:
        """The analysts' report of a scenario (as `grandbargain report`), as a download."""
        user = api_user(request)
        params = request.query_params
        if params.get("shipped"):
            source = views.Source(shipped=params["shipped"])
        else:
            number = _int(params.get("scenario_id"))
            if number is None:
                raise _ApiError(422, "give shipped=ID or scenario_id=N")
            source = views.Source(scenario_id=number, version=_int(params.get("version")))
        scenario = loaded(user, source)
        from grandbargain.api._forecast import report

        lang = lang_of(request)
        started = time.perf_counter()
        html = report(scenario, lang=lang).to_html()
        name = f"{scenario.id}-report-{lang}.html"
        return HTMLResponse(html, headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Server-Timing": f"report;dur={1000 * (time.perf_counter() - started):.0f}"})


class _ApiError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


def run_message(run: dict[str, Any], lang: str) -> str:
    """The run's state in a line: what, which, how far, how long (the page's run-message)."""
    key = f"kind_{run['kind']}"
    kind = word(key, lang) if key in WORDS else run["kind"]
    state_key = f"state_{run['status']}"
    text = word("run_line", lang).format(
        kind=kind[:1].upper() + kind[1:], id=run["id"],
        state=word(state_key, lang) if state_key in WORDS else run["status"])
    if run["status"] == "running" and run.get("progress"):
        text += word("run_done_share", lang).format(share=100 * run["progress"])
    if run.get("elapsed_seconds") is not None:
        text += word("run_elapsed", lang).format(s=run["elapsed_seconds"])
    return text


def _run_lang(run: dict[str, Any]) -> str:
    """The language a run's document was made in (its --lang; English by default)."""
    return (run.get("options") or {}).get("lang") or "en"


def _report_url(run: dict[str, Any], lang: str) -> str:
    if run["shipped_scenario"]:
        query = {"shipped": run["shipped_scenario"]}
    else:
        query = {"scenario_id": run["scenario_id"], "version": run["scenario_version"]}
    return f"/app/api/report?{urlencode({**query, 'lang': lang})}"


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)[:300]
    return str(value)


def _diff_rows(found: dict[str, Any]) -> list[dict[str, str]]:
    """One row per changed field (added and removed items one row each)."""
    rows = []
    for part in ("actors", "issues", "stances", "principals"):
        section = found.get(part) or {}
        for key in section.get("added", []):
            rows.append({"what": f"{part} {key}", "field": "", "from": "–", "to": "added"})
        for key in section.get("removed", []):
            rows.append({"what": f"{part} {key}", "field": "", "from": "removed", "to": "–"})
        for key, fields in (section.get("changed") or {}).items():
            for field, change in fields.items():
                rows.append({"what": f"{part} {key}", "field": field,
                             "from": _shown(change["from"]), "to": _shown(change["to"])})
    for field, change in (found.get("scenario") or {}).items():
        rows.append({"what": "scenario", "field": field, "from": _shown(change["from"]),
                     "to": _shown(change["to"])})
    return rows
