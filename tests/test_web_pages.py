"""The web app's pages under /app (web/_pages.py) with FastAPI's TestClient: sign-in and the
cookie, the scenario list and page, the problems of `grandbargain check` at the cells, saving
versions, history and diff, runs and their results, what-if, 繁體中文, no external URL. The
browser tests (Playwright) are elsewhere; these need no browser."""

from __future__ import annotations

import html
import json
import re
import time

import pytest

from tests import test_server_support as support
from tests.conftest import minimal_document

database_url, store = support.database_url, support.store  # the fixtures
pytest.importorskip("jinja2")
yaml = pytest.importorskip("yaml")

DEFAULT = "us-china-2025-07"


def escape(text: str) -> str:
    """As the templates escape (Jinja's autoescape)."""
    from markupsafe import escape as jinja_escape

    return str(jinja_escape(text))


def _client(store, **options):
    from fastapi.testclient import TestClient

    from grandbargain.web.app import create_app

    return TestClient(create_app(store, **options), raise_server_exceptions=False)


@pytest.fixture
def tokens(store):
    from grandbargain.store._accounts import add_user

    return {name: add_user(store, name)[1] for name in ("ann", "bob")}


def _sign_in(client, token: str) -> None:
    response = client.post("/app/sign-in", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/app/scenarios"


def _testids(text: str) -> set[str]:
    return set(re.findall(r'data-testid="([^"]+)"', text))


def _cell_error(text: str, key: str) -> tuple[bool, str]:
    """(hidden, text) of the cell's error box."""
    match = re.search(rf'<div class="cell-error" id="cell-error-{key}" '
                      rf'data-testid="cell-error-{key}"( hidden)?>(.*?)</div>', text, re.S)
    assert match, key
    return bool(match.group(1)), html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).strip()


def _input_value(text: str, testid: str) -> str:
    match = re.search(rf'<input [^>]*data-testid="{testid}"[^>]*value="([^"]*)"', text)
    assert match, testid
    return html.unescape(match.group(1))


def test_sign_in_sets_an_http_only_strict_cookie_and_pages_need_it(store, tokens):
    with _client(store, start_workers=False) as client:
        assert client.get("/app", follow_redirects=False).headers["location"] == \
            "/app/sign-in"
        for path in ("/app/scenarios", f"/app/shipped/{DEFAULT}", "/app/scenarios/1",
                     "/app/scenarios/1/history"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"] == \
                "/app/sign-in", path
        form = client.get("/app/sign-in")
        assert {"token-input", "sign-in", "lang-switch"} <= _testids(form.text)
        assert "sign-in-error" not in _testids(form.text)
        bad = client.post("/app/sign-in", data={"token": tokens["ann"][:-4] + "abcd"})
        # a page's refusal is its answer (S-006: a 4xx page is a console error in browsers)
        assert bad.status_code == 200 and "sign-in-error" in _testids(bad.text)
        assert "That token is not valid" in bad.text and "gb_token" not in \
            bad.headers.get("set-cookie", "")
        bad_zh = client.post("/app/sign-in?lang=zh", data={"token": "gb_wrong"})
        assert bad_zh.status_code == 200 and "此權杖無效" in bad_zh.text
        assert "abcd" not in bad.text  # the token is never echoed
        response = client.post("/app/sign-in", data={"token": tokens["ann"]},
                               follow_redirects=False)
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("gb_token=") and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
        listing = client.get("/app/scenarios")
        assert listing.status_code == 200
        ids = _testids(listing.text)
        assert {"scenario-list", f"scenario-link-{DEFAULT}", "user-name", "sign-out"} <= ids
        assert re.search(r'data-testid="user-name">ann<', listing.text)
        assert client.get("/app", follow_redirects=False).headers["location"] == \
            "/app/scenarios"
        out = client.post("/app/sign-out", follow_redirects=False)
        assert out.status_code == 303 and 'gb_token=""' in out.headers["set-cookie"]
        client.cookies.clear()
        assert client.get("/app/scenarios", follow_redirects=False).status_code == 303


def test_every_page_write_needs_a_signed_in_user_and_changes_nothing(store, tokens):
    body = {"source": {"shipped": DEFAULT}, "edits": [], "kind": "forecast"}
    with _client(store, start_workers=False) as client:
        writes = {route.path for route in client.app.routes
                  for method in getattr(route, "methods", ()) or ()
                  if method == "POST" and route.path.startswith("/app")}
        assert writes == {"/app/sign-in", "/app/sign-out", "/app/shipped/{name}/save",
                          "/app/scenarios/{scenario_id}/save", "/app/api/check",
                          "/app/api/what-if", "/app/api/runs", "/app/api/runs/{run_id}/lang",
                          "/app/api/runs/{run_id}/cancel"}
        for path in ("/app/shipped/{name}/save", "/app/scenarios/{scenario_id}/save"):
            concrete = path.format(name=DEFAULT, scenario_id=1)
            response = client.post(concrete, data={"message": "x"}, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"] == \
                "/app/sign-in"
        for path in ("/app/api/check", "/app/api/what-if", "/app/api/runs"):
            assert client.post(path, json=body).status_code == 401, path
        client.cookies.set("gb_token", tokens["ann"][:-4] + "abcd")
        assert client.post("/app/api/runs", json=body).status_code == 401
        from grandbargain.store import _runs, _scenarios

        assert _scenarios.list_scenarios(store, 1) == [] and _runs.list_runs(store, 1) == []


def test_the_shipped_scenario_page_shows_the_grid_with_rationales_and_no_external_urls(
        store, tokens):
    from grandbargain.scenario import load_scenario

    scenario = load_scenario(DEFAULT)
    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        page = client.get(f"/app/shipped/{DEFAULT}")
        assert page.status_code == 200
        assert page.headers["content-security-policy"].startswith("default-src 'self'")
        ids = _testids(page.text)
        for stance in scenario.stances:
            key = f"{stance.actor}-{stance.issue}"
            assert {f"position-{key}", f"salience-{key}", f"position-slider-{key}",
                    f"cell-error-{key}"} <= ids
            assert float(_input_value(page.text, f"position-{key}")) == stance.position
            assert float(_input_value(page.text, f"salience-{key}")) == stance.salience
            assert _cell_error(page.text, key)[0]  # hidden: nothing wrong
        first = scenario.stances[0]
        assert f'title="{escape(first.rationale)}"' in page.text
        assert {"scenario-title", "version-label", "grid", "save-message", "save",
                "run-forecast", "run-deals", "run-simulate", "run-progress", "what-if",
                "what-if-reset", "what-if-panel", "lang-switch"} <= ids
        assert "history-link" not in ids  # a shipped scenario has no versions
        assert re.search(r'data-testid="scenario-title">' + re.escape(scenario.title), page.text)
        # every label has its input: each number input is named by a <label for=...>
        for input_id in re.findall(r'<input type="number" id="([^"]+)"', page.text):
            assert re.search(rf'<label[^>]* for="{input_id}">', page.text), input_id
        # nothing is loaded from elsewhere: no absolute URL in a src, href or action, and the
        # page's script and style come from /app/static
        for text in (page.text, client.get("/app/static/app.js").text,
                     client.get("/app/static/app.css").text):
            assert not re.search(r'(src|href|action)\s*=\s*["\']?(https?:)?//', text)
            assert "@import" not in text and "url(http" not in text
        assert re.findall(r'<script[^>]*src="([^"]+)"', page.text) == ["/app/static/app.js"]
        assert client.get("/app/shipped/no-such").status_code == 404


def test_plotly_comes_from_the_installed_plotly_package(store, tokens):
    from grandbargain.web._pages import plotly_path

    with _client(store, start_workers=False) as client:
        response = client.get("/app/static/plotly.min.js")
        assert response.status_code == 200
        assert response.content == plotly_path().read_bytes()
        assert client.get("/app/static/nothing.js").status_code == 404
        assert client.get("/app/static/..%2F_pages.py").status_code == 404
        assert client.get("/app/static/_pages.py").status_code == 404


def test_out_of_scale_values_are_refused_at_the_cell_not_clamped_and_nothing_is_saved(
        store, tokens):
    from grandbargain.scenario import ScenarioError
    from grandbargain.store import _scenarios
    from grandbargain.web import _views

    key = "us_president-ai_chip_exports"
    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        response = client.post(f"/app/shipped/{DEFAULT}/save", data={
            "message": "too far", "position:us_president:ai_chip_exports": "170",
            "salience:us_hawks:us_tariffs": "abc"}, follow_redirects=False)
        assert response.status_code == 200  # the refusal is the page's answer (S-006)
        assert "save-error" in _testids(response.text)
        assert "Not saved: fix the values marked below." in response.text
        hidden, message = _cell_error(response.text, key)
        assert not hidden and "170" in message and "outside the scale" in message
        assert _input_value(response.text, f"position-{key}") == "170"  # kept as typed
        assert _input_value(response.text, "save-message") == "too far"
        assert _scenarios.list_scenarios(store, 1) == []
        # the message is the one `grandbargain check` gives for the same file
        from grandbargain.scenario import load_scenario

        text = _views.edited_text(load_scenario(DEFAULT), [
            {"actor": "us_president", "issue": "ai_chip_exports", "field": "position",
             "value": 170}])
        with pytest.raises(ScenarioError) as caught:
            _scenarios.parse_scenario("scenario.yaml", text)
        assert caught.value.problems[0].message in message
        # the JSON check the page calls as one types
        answer = client.post("/app/api/check", json={
            "source": {"shipped": DEFAULT}, "edits": [
                {"actor": "us_president", "issue": "ai_chip_exports", "field": "position",
                 "value": "-5"},
                {"actor": "us_hawks", "issue": "us_tariffs", "field": "salience",
                 "value": "abc"}]}).json()
        assert answer["ok"] is False
        assert set(answer["problems"]) <= {"us_president/ai_chip_exports",
                                           "us_hawks/us_tariffs"}
        assert answer["problems"]
        fine = client.post("/app/api/check", json={"source": {"shipped": DEFAULT}, "edits": [
            {"actor": "us_president", "issue": "ai_chip_exports", "field": "position",
             "value": "55"}]}).json()
        assert fine == {"ok": True, "problems": {}, "other": []}
        unknown = client.post("/app/api/check", json={"source": {"shipped": DEFAULT},
                                                      "edits": [{"actor": "nobody",
                                                                 "issue": "x",
                                                                 "field": "position",
                                                                 "value": 1}]})
        assert unknown.status_code == 422


def test_save_makes_own_copy_then_versions_history_and_diff(store, tokens):
    from grandbargain.store import _scenarios

    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        saved = client.post(f"/app/shipped/{DEFAULT}/save", data={
            "message": "<b>hawks</b> soften", "position:us_hawks:ai_chip_exports": "55"},
            follow_redirects=False)
        assert saved.status_code == 303
        assert saved.headers["location"] == "/app/scenarios/1?version=1"
        page = client.get(saved.headers["location"])
        assert re.search(r'data-testid="version-label">v1', page.text)
        assert "Saved as version 1." in page.text  # once
        assert "Saved as version" not in client.get(saved.headers["location"]).text
        assert _input_value(page.text, "position-us_hawks-ai_chip_exports") == "55"
        assert "history-link" in _testids(page.text)
        second = client.post("/app/scenarios/1/save", data={
            "message": "second", "base_version": "1",
            "position:us_hawks:ai_chip_exports": "55",  # unchanged: left as it is
            "salience:cn_leadership:rare_earth_controls": "42"}, follow_redirects=False)
        assert second.headers["location"] == "/app/scenarios/1?version=2"
        assert re.search(r'data-testid="version-label">v2',
                         client.get("/app/scenarios/1?version=2").text)
        old = client.get("/app/scenarios/1?version=1")
        assert _input_value(old.text, "salience-cn_leadership-rare_earth_controls") != "42"
        history = client.get("/app/scenarios/1/history")
        ids = _testids(history.text)
        assert {"history", "version-row-1", "version-row-2", "compare", "compare-old",
                "compare-new"} <= ids
        assert "&lt;b&gt;hawks&lt;/b&gt; soften" in history.text  # escaped
        assert "<b>hawks</b>" not in history.text
        diff = client.get("/app/scenarios/1/diff?old=1&new=2")
        assert diff.text.count('data-testid="diff-row"') == 1
        assert "cn_leadership/rare_earth_controls" in diff.text and "42" in diff.text
        assert client.get("/app/scenarios/1/diff?old=1&new=9").status_code == 404
        version = _scenarios.get_version(store, 1, 1, 2)
        assert version["message"] == "second" and version["author"] == "ann"
        # someone else's scenario looks like nothing; read-only sharing refuses saving
        _sign_in(client, tokens["bob"])
        assert client.get("/app/scenarios/1").status_code == 404
        _scenarios.share(store, 1, 1, "bob", "read")
        shared = client.get("/app/scenarios/1")
        assert shared.status_code == 200 and "save" not in _testids(shared.text)
        refused = client.post("/app/scenarios/1/save", data={"message": "x",
                                                             "base_version": "2"})
        assert refused.status_code == 200 and "save-error" in _testids(refused.text)
        assert "Shared with you read-only" in refused.text
        # the JSON API keeps its status codes
        assert client.post("/scenarios/1/versions", json={
            "filename": "x.yaml", "content": "x"},
            headers={"Authorization": f"Bearer {tokens['bob']}"}).status_code == 403
        assert _scenarios.get_scenario(store, 1, 1)["latest_version"] == 2


def test_a_cell_without_a_stance_says_so_and_has_no_inputs(store, tokens):
    document = minimal_document()
    document["issues"].append({"id": "chips", "name": "Chips",
                               "scale": {"min": 0.0, "max": 10.0}, "status_quo": 5.0})
    document["stances"]["a"]["chips"] = {"position": 2.0, "salience": 40.0,
                                         "rationale": "A's <reason>"}
    with _client(store, start_workers=False) as client:
        made = client.post("/scenarios", json={"filename": "tiny.yaml", "content": yaml.safe_dump(
            document, sort_keys=False)}, headers={"Authorization": f"Bearer {tokens['ann']}"})
        assert made.status_code == 201
        _sign_in(client, tokens["ann"])
        page = client.get("/app/scenarios/1")
        ids = _testids(page.text)
        assert "position-a-chips" in ids and "position-b-chips" not in ids
        assert "salience-b-chips" not in ids and "no stance" in page.text
        assert 'title="A&#39;s &lt;reason&gt;"' in page.text
        # a stored scenario's own format is kept in its earlier versions; saving writes YAML
        refused = client.post("/app/scenarios/1/save", data={
            "base_version": "1", "position:a:chips": "11"})
        assert refused.status_code == 200 and "save-error" in _testids(refused.text)
        assert not _cell_error(refused.text, "a-chips")[0]
        ok = client.post("/app/scenarios/1/save", data={
            "base_version": "1", "position:a:chips": "9.5"}, follow_redirects=False)
        assert ok.headers["location"] == "/app/scenarios/1?version=2"


def test_what_if_compares_the_edited_and_saved_forecasts_without_saving(store, tokens):
    import grandbargain as gb
    from grandbargain.store import _scenarios

    edits = [{"actor": "us_president", "issue": "us_tariffs", "field": "position",
              "value": "100"},
             {"actor": "us_president", "issue": "us_tariffs", "field": "salience",
              "value": "100"}]
    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        answer = client.post("/app/api/what-if", json={"source": {"shipped": DEFAULT},
                                                       "edits": edits, "lang": "en"})
        assert answer.status_code == 200
        data = answer.json()
        assert data["ok"] and data["edits"] == 2
        assert [(c["field"], c["to"]) for c in data["changes"]] == [("position", "100"),
                                                                    ("salience", "100")]
        expected = {
            "saved": gb.forecast(DEFAULT, bottom_line_draws=0).to_dict(),
            "edited": gb.forecast(
                gb.load(DEFAULT).with_stance("us_president", "us_tariffs", position=100,
                                             salience=100),
                bottom_line_draws=0).to_dict()}
        for side in ("saved", "edited"):
            nash = {i["id"]: i["forecasts"]["deal-nash"] for i in expected[side]["issues"]}
            shown = {i["id"]: float(i["nash"]) for i in data[side]["issues"]}
            assert shown == pytest.approx(nash, abs=0.01)
            assert data[side]["lines"][0] == "Bottom line"
        assert data["saved"]["lines"] != data["edited"]["lines"]
        assert {"what-if-saved", "what-if-edited"} <= _testids(data["html"])
        bad = client.post("/app/api/what-if", json={"source": {"shipped": DEFAULT},
                                                    "edits": [dict(edits[0], value="170")]})
        assert bad.json()["ok"] is False
        assert "outside the scale" in bad.json()["problems"]["us_president/us_tariffs"][0]
        assert _scenarios.list_scenarios(store, 1) == []  # nothing saved
        zh = client.post("/app/api/what-if", json={"source": {"shipped": DEFAULT},
                                                   "edits": edits, "lang": "zh"}).json()
        assert zh["saved"]["lines"][0] != "Bottom line"
        assert "已儲存版本" in zh["html"]


def test_the_zh_pages_use_the_zh_labels_and_scenario_texts(store, tokens):
    from grandbargain.scenario import load_scenario

    scenario = load_scenario(DEFAULT)
    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        page = client.get(f"/app/shipped/{DEFAULT}?lang=zh")
        assert '<html lang="zh-Hant">' in page.text
        assert "gb_lang=zh" in page.headers["set-cookie"]
        assert scenario.title_zh in page.text and scenario.actors[0].name_zh in page.text
        assert scenario.issues[0].name_zh in page.text and "立場" in page.text
        stance = scenario.stances[0]
        assert escape(stance.rationale_zh) in page.text
        assert re.search(r'data-testid="lang-switch" href="[^"]*lang=en', page.text)
        kept = client.get("/app/scenarios")  # the cookie keeps the language
        assert '<html lang="zh-Hant">' in kept.text and "內建情境" in kept.text
        back = client.get("/app/scenarios?lang=en")
        assert '<html lang="en">' in back.text
        client.cookies.clear()
        first = client.get("/app?lang=zh", follow_redirects=False)  # a redirect keeps it too
        assert first.status_code == 303 and "gb_lang=zh" in first.headers["set-cookie"]
        assert '<html lang="zh-Hant">' in client.get("/app/sign-in").text


def _wait(client, run_id: int, seconds: float = 180) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run = client.get(f"/app/api/runs/{run_id}").json()
        if run["status"] in ("done", "failed", "cancelled"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {run['status']}")


def test_a_forecast_run_from_the_page_shows_the_bottom_line_first_and_downloads(
        store, tokens):
    from grandbargain.report._bottom_line import bottom_line_lines

    with _client(store, workers=1) as client:
        _sign_in(client, tokens["ann"])
        started = client.post("/app/api/runs", json={"source": {"shipped": DEFAULT},
                                                     "kind": "forecast", "lang": "en"})
        assert started.status_code == 202
        run = _wait(client, started.json()["id"])
        assert run["status"] == "done" and run["progress"] == 1.0
        result = client.get(f"/app/api/runs/{run['id']}/download?format=json").json()
        view = client.get(f"/app/api/runs/{run['id']}/view")
        assert {"bottom-line", "forecast-table", "chart-forecast", "concessions",
                "download-json", "download-csv", "download-report"} <= _testids(view.text)
        # the report is built when asked for: the link has a busy label for meanwhile
        assert re.search(r'data-testid="download-report" [^>]*download '
                         r'data-busy-label="Building the report…"', view.text)
        assert not re.search(r'(src|href|action)\s*=\s*["\']?(https?:)?//', view.text)
        text = html.unescape(re.sub(r"<[^>]+>", "", view.text))
        for line in bottom_line_lines(result["bottom_line"], "en"):
            assert line.removeprefix("- ") in text
        figures = [json.loads(html.unescape(f))
                   for f in re.findall(r'data-figure="([^"]+)"', view.text)]
        assert figures and all({"data", "layout"} <= set(f) for f in figures)
        from grandbargain.report._charts_more import package_chart
        from grandbargain.report._plotly import figure
        from grandbargain.scenario import load_scenario
        from grandbargain.web._views import _chart_doc

        same = figure(package_chart(_chart_doc(load_scenario(DEFAULT), result, "en")))
        assert figures[0] == json.loads(json.dumps(same))  # the report's own chart
        csv = client.get(f"/app/api/runs/{run['id']}/download?format=csv")
        assert csv.text.startswith("issue,name,model,forecast")
        page = client.get(f"/app/shipped/{DEFAULT}")
        assert page.text.index('data-testid="bottom-line"') < page.text.index(
            'data-testid="grid"')
        bob = client.post("/app/sign-in", data={"token": tokens["bob"]})
        assert bob.status_code == 200
        assert client.get(f"/app/api/runs/{run['id']}/view").status_code == 404
        assert client.post("/app/api/runs", json={"source": {"shipped": DEFAULT},
                                                  "kind": "rounds"}).status_code == 422


def test_a_simulation_from_the_page_takes_its_noise_and_draws_through_the_commands_parser(
        store, tokens):
    with _client(store, workers=1) as client:
        _sign_in(client, tokens["ann"])
        bad = client.post("/app/api/runs", json={"source": {"shipped": DEFAULT},
                                                 "kind": "simulate", "draws": "many"})
        assert bad.status_code == 200 and bad.json()["ok"] is False  # shown at run-error
        assert "draws" in bad.json()["detail"]
        started = client.post("/app/api/runs", json={
            "source": {"shipped": DEFAULT}, "kind": "simulate", "lang": "zh",
            "noise": "position=10,salience=15", "draws": 40})
        assert started.status_code == 202
        assert started.json()["ok"]
        assert started.json()["options"] == {"lang": "zh", "noise": "position=10,salience=15",
                                             "draws": "40"}
        run = _wait(client, started.json()["id"])
        assert run["status"] == "done", run
        view = client.get(f"/app/api/runs/{run['id']}/view?lang=zh")
        assert {"bottom-line", "intervals", "download-csv"} <= _testids(view.text)
        assert "40 次抽樣" in view.text and "立場 10" in view.text
        csv = client.get(f"/app/api/runs/{run['id']}/download?format=csv").text
        assert csv.startswith("issue,model,point")


def test_the_report_download_is_the_reports_page_for_the_scenario_version(store, tokens):
    with _client(store, start_workers=False) as client:
        assert client.get(f"/app/api/report?shipped={DEFAULT}").status_code == 401
        made = client.post("/scenarios", json={"filename": "tiny.yaml", "content": yaml.safe_dump(
            minimal_document(), sort_keys=False)},
            headers={"Authorization": f"Bearer {tokens['ann']}"})
        assert made.status_code == 201
        _sign_in(client, tokens["ann"])
        report = client.get("/app/api/report?scenario_id=1&version=1&lang=zh")
        assert report.status_code == 200
        assert report.headers["content-disposition"] == \
            'attachment; filename="tiny-report-zh.html"'
        assert report.text.lstrip().lower().startswith("<!doctype html") and "Tiny" in report.text
        _sign_in(client, tokens["bob"])  # not bob's to read
        assert client.get("/app/api/report?scenario_id=1").status_code == 404


def _text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_results_are_in_the_pages_language_a_run_in_the_other_one_runs_again(store, tokens):
    """S-005: a run started from the zh page makes the zh document; a results view switched to
    the other language shows the same command's twin run in that language."""
    from grandbargain.report._bottom_line import bottom_line_lines

    with _client(store, workers=1) as client:
        _sign_in(client, tokens["ann"])
        client.get(f"/app/shipped/{DEFAULT}?lang=zh")  # the page's language, kept
        started = client.post("/app/api/runs", json={"source": {"shipped": DEFAULT},
                                                     "kind": "forecast"})
        assert started.status_code == 202 and started.json()["options"] == {"lang": "zh"}
        zh_run = _wait(client, started.json()["id"])
        zh_result = client.get(f"/app/api/runs/{zh_run['id']}/download").json()
        zh_lines = bottom_line_lines(zh_result["bottom_line"], "zh")
        page = client.get(f"/app/shipped/{DEFAULT}")
        assert zh_lines[1].removeprefix("- ") in _text_of(page.text)
        # the same results asked for in English: not shown in Chinese, run again with --lang en
        en_page = client.get(f"/app/shipped/{DEFAULT}?lang=en")
        assert zh_lines[1].removeprefix("- ") not in _text_of(en_page.text)
        assert "results-other-lang" in _testids(en_page.text)
        assert f'data-translate="{zh_run["id"]}"' in en_page.text
        assert "is being run again in English" in en_page.text
        pending = client.get(f"/app/api/runs/{zh_run['id']}/view?lang=en")
        assert "results-other-lang" in _testids(pending.text)
        twin = client.post(f"/app/api/runs/{zh_run['id']}/lang", json={"lang": "en"})
        assert twin.status_code == 202
        assert twin.json()["options"] == {"lang": "en"} and twin.json()["seed"] is None
        again = client.post(f"/app/api/runs/{zh_run['id']}/lang", json={"lang": "en"})
        assert again.status_code == 200 and again.json()["id"] == twin.json()["id"]
        assert client.post(f"/app/api/runs/{zh_run['id']}/lang",
                           json={"lang": "fr"}).status_code == 422
        en_run = _wait(client, twin.json()["id"])
        assert en_run["status"] == "done"
        en_result = client.get(f"/app/api/runs/{en_run['id']}/download").json()
        assert [i["forecasts"] for i in en_result["issues"]] == \
            [i["forecasts"] for i in zh_result["issues"]]  # the same numbers
        en_lines = bottom_line_lines(en_result["bottom_line"], "en")
        for shown in (client.get(f"/app/shipped/{DEFAULT}?lang=en").text,
                      client.get(f"/app/api/runs/{zh_run['id']}/view?lang=en").text):
            assert "results-other-lang" not in _testids(shown)
            text = _text_of(shown)
            assert en_lines[1].removeprefix("- ") in text and "結論" not in text
        # and back: the zh page shows the zh run again, asking for nothing
        back = client.get(f"/app/shipped/{DEFAULT}?lang=zh")
        assert zh_lines[1].removeprefix("- ") in _text_of(back.text)
        assert "results-other-lang" not in _testids(back.text)


def test_the_validators_problems_carry_a_kind_and_details_without_changing_their_text():
    from grandbargain.scenario import Location, Problem, ScenarioError, load_scenario
    from grandbargain.web import _views

    scenario = load_scenario(DEFAULT)
    issue = next(i for i in scenario.issues if i.id == "ai_chip_exports")
    with pytest.raises(ScenarioError) as caught:
        _views._validated(scenario, [
            {"actor": "us_president", "issue": "ai_chip_exports", "field": "position",
             "value": 170}])
    (problem,) = caught.value.problems
    assert problem.kind == "outside_scale"
    assert dict(problem.details) == {"name": "position", "value": 170.0, "min": issue.low,
                                     "max": issue.high, "issue": "ai_chip_exports"}
    assert problem.message == f"position 170 is outside the scale {issue.low:g}-" \
        f"{issue.high:g} of issue 'ai_chip_exports'"
    kinds = {}
    for value, field in ((120, "salience"), (-1, "salience"), ("abc", "salience"),
                         ("", "position")):
        with pytest.raises(ScenarioError) as caught:
            _views._validated(scenario, [{"actor": "us_president", "issue": "ai_chip_exports",
                                          "field": field, "value": value}])
        kinds[value] = (caught.value.problems[0].kind, dict(caught.value.problems[0].details))
    assert kinds == {120: ("above_maximum", {"value": 120.0, "maximum": 100.0}),
                     -1: ("below_minimum", {"value": -1.0, "minimum": 0.0}),
                     "abc": ("not_a_number", {"value": "abc"}),
                     "": ("not_a_number", {"value": ""})}
    # kind and details are left out of equality and of the text `check` prints
    where = Location("s.yaml", 3, 5)
    plain = Problem(where, "stances.a.b.position", "position 9 is outside the scale 0-1")
    rich = Problem(where, "stances.a.b.position", "position 9 is outside the scale 0-1",
                   "outside_scale", {"value": 9})
    assert plain == rich and hash(plain) == hash(rich) and str(plain) == str(rich)
    assert plain.kind == "" and dict(plain.details) == {}


def test_the_cells_say_their_problems_in_the_pages_language(store, tokens):
    from grandbargain.scenario import load_scenario

    issue = next(i for i in load_scenario(DEFAULT).issues if i.id == "ai_chip_exports")
    form = {"message": "太遠", "position:us_president:ai_chip_exports": "170",
            "salience:us_hawks:ai_chip_exports": "120",
            "salience:cn_leadership:us_tariffs": "abc"}
    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        zh = client.post(f"/app/shipped/{DEFAULT}/save?lang=zh", data=form)
        assert zh.status_code == 200 and "未儲存" in zh.text
        assert _cell_error(zh.text, "us_president-ai_chip_exports") == (
            False, f"立場 170 超出議題量表 {issue.low:g}–{issue.high:g}")
        assert _cell_error(zh.text, "us_hawks-ai_chip_exports") == (
            False, "重視程度 120 高於上限 100")
        assert _cell_error(zh.text, "cn_leadership-us_tariffs") == (
            False, "重視程度「abc」不是數字")
        en = client.post(f"/app/shipped/{DEFAULT}/save?lang=en", data=form)
        assert _cell_error(en.text, "us_hawks-ai_chip_exports") == (
            False, "salience: Input should be less than or equal to 100 (got 120.0)")
        assert "outside the scale" in _cell_error(en.text, "us_president-ai_chip_exports")[1]
        # the check the page calls as one types, in the language it asks for
        edits = [{"actor": "us_president", "issue": "ai_chip_exports", "field": "salience",
                  "value": "-5"},
                 {"actor": "us_hawks", "issue": "us_tariffs", "field": "position",
                  "value": ""}]
        answer = client.post("/app/api/check", json={
            "source": {"shipped": DEFAULT}, "edits": edits, "lang": "zh"}).json()
        assert answer["problems"] == {"us_president/ai_chip_exports": ["重視程度 -5 低於下限 0"],
                                      "us_hawks/us_tariffs": ["立場：請輸入數字"]}
        english = client.post("/app/api/check", json={
            "source": {"shipped": DEFAULT}, "edits": edits[:1], "lang": "en"}).json()
        assert english["problems"] == {"us_president/ai_chip_exports": [
            "salience: Input should be greater than or equal to 0 (got -5.0)"]}
        what_if = client.post("/app/api/what-if", json={
            "source": {"shipped": DEFAULT}, "edits": edits[:1], "lang": "zh"}).json()
        assert what_if["problems"] == {"us_president/ai_chip_exports": ["重視程度 -5 低於下限 0"]}


def test_a_run_has_a_cancel_button_and_a_status_line_from_the_apis_progress(store, tokens):
    from grandbargain.store import _runs

    with _client(store, start_workers=False) as client:  # runs stay queued until claimed
        _sign_in(client, tokens["ann"])
        page = client.get(f"/app/shipped/{DEFAULT}")
        assert {"run-cancel", "run-message", "run-progress"} <= _testids(page.text)
        assert re.search(r'<button [^>]*data-testid="run-cancel"[^>]*hidden>Cancel run<',
                         page.text)
        assert re.search(r'data-testid="run-message"[^>]*role="status"', page.text)
        first = client.post("/app/api/runs", json={"source": {"shipped": DEFAULT},
                                                   "kind": "forecast", "lang": "en"}).json()
        queued = client.get(f"/app/api/runs/{first['id']}").json()
        assert queued["message"] == f"Forecast #{first['id']}: waiting for a worker"
        assert client.get(f"/app/api/runs/{first['id']}?lang=zh").json()["message"] == \
            f"預測 #{first['id']}：等待執行"
        cancelled = client.post(f"/app/api/runs/{first['id']}/cancel?lang=en")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["message"] == f"Forecast #{first['id']}: cancelled"
        # a running one: its share done and time, then cancelling until the worker stops it
        second = client.post("/app/api/runs", json={"source": {"shipped": DEFAULT},
                                                    "kind": "simulate", "lang": "zh"}).json()
        assert _runs.claim_next(store, "test").id == second["id"]
        _runs.set_progress(store, second["id"], 0.4)
        running = client.get(f"/app/api/runs/{second['id']}?lang=zh").json()
        assert running["progress"] == 0.4
        assert re.fullmatch(rf"模擬 #{second['id']}：執行中，已完成 40% · \d+\.\d 秒",
                            running["message"])
        stopping = client.post(f"/app/api/runs/{second['id']}/cancel?lang=zh").json()
        assert stopping["status"] == "cancelling" and "取消中" in stopping["message"]
        assert client.post("/app/api/runs/999/cancel").status_code == 404
        _sign_in(client, tokens["bob"])  # not bob's run: it does not exist for him
        assert client.post(f"/app/api/runs/{second['id']}/cancel").status_code == 404
        assert _runs.get_run(store, 1, second["id"])["status"] == "cancelling"


def test_every_control_is_in_the_tab_order_with_a_focus_ring_and_escape_resets(store, tokens):
    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        pages = [client.get(f"/app/shipped/{DEFAULT}"), client.get("/app/scenarios"),
                 client.get(f"/app/shipped/{DEFAULT}?lang=zh")]
        for page in pages:
            # nothing is taken out of the Tab order (main is only a skip link's target) and
            # nothing reorders it
            assert re.findall(r'<(\w+)[^>]*tabindex="(-?\d+)"', page.text) == [("main", "-1")]
            sliders = re.findall(r'<input type="range"[^>]*>', page.text)
            assert (len(sliders) > 10) == (page is not pages[1])
            assert not [slider for slider in sliders if "disabled" in slider]
        css = client.get("/app/static/app.css").text
        assert re.search(r"(^|\n):focus-visible \{ outline: 3px solid #[0-9a-f]{6}", css)
        assert re.search(r"header\.top :focus-visible \{ outline-color:", css)
        # no rule takes the ring away from a control (main only: it is not one)
        assert re.findall(r"([^{}\n]+)\{[^}]*outline: *(?:none|0)", css) == ["main:focus "]
        script = client.get("/app/static/app.js").text
        assert 'event.key !== "Escape"' in script and "reset();" in script
        assert "keyboardModeBar" in script  # the charts' buttons too
        assert "Escape discards the edits" in pages[0].text
        assert "按 Esc 放棄修改" in pages[2].text


class _Tables:
    """Each <table>'s nearest scrolling box (a div of class table-wrap or grid-wrap), if any."""

    def __init__(self, text: str):
        from html.parser import HTMLParser

        self.boxes: list[str | None] = []
        stack: list[str] = []
        found = self.boxes

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                classes = (dict(attrs).get("class") or "").split()
                if tag == "div":
                    stack.append(next((c for c in classes if c in ("table-wrap", "grid-wrap")),
                                      ""))
                if tag == "table":
                    found.append(next((box for box in reversed(stack) if box), None))

            def handle_endtag(self, tag):
                if tag == "div" and stack:
                    stack.pop()

        Parser().feed(text)


def test_wide_tables_scroll_in_their_box_with_the_actor_column_sticky(store, tokens):
    """Tablet (768 px) and laptop widths: no table can widen the page; the grid scrolls in its
    own box with its actor column and issue row in view (the browser tests measure it)."""
    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        saved = client.post(f"/app/shipped/{DEFAULT}/save", data={
            "message": "m", "position:us_hawks:ai_chip_exports": "55"}, follow_redirects=False)
        client.post("/app/scenarios/1/save", data={
            "message": "n", "base_version": "1", "position:us_hawks:ai_chip_exports": "56"})
        what_if = client.post("/app/api/what-if", json={"source": {"shipped": DEFAULT}, "edits": [
            {"actor": "us_president", "issue": "us_tariffs", "field": "position",
             "value": "90"}]}).json()["html"]
        texts = [client.get(f"/app/shipped/{DEFAULT}").text, what_if,
                 client.get(saved.headers["location"]).text,
                 client.get("/app/scenarios/1/history").text,
                 client.get("/app/scenarios/1/diff?old=1&new=2").text]
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in texts[0]
        boxes = [box for text in texts for box in _Tables(text).boxes]
        assert len(boxes) >= 6 and None not in boxes
        assert _Tables(texts[0]).boxes == ["grid-wrap"]
    css = client.get("/app/static/app.css").text
    rules = {selector.strip(): body for selector, body in
             re.findall(r"([^{}]+)\{([^}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))}
    assert "overflow-x: auto" in rules[".grid-wrap, .table-wrap"]
    assert "overflow-y: auto" in rules[".grid-wrap"] and "max-height" in rules[".grid-wrap"]
    actor = rules[".grid tbody th"]
    assert "position: sticky" in actor and "left: 0" in actor and "background" in actor
    assert "left: 0" in rules[".grid thead th:first-child"]
    assert "position: sticky" in rules[".grid thead th"] and "top: 0" in rules[".grid thead th"]
    assert "max-width: 100%" in rules["input, select, button"]  # long chart names in a select


def test_the_charts_keep_png_export_send_nothing_away_and_speak_the_pages_language(
        store, tokens):
    from grandbargain.web._pages import plotly_path
    from grandbargain.web._words import PLOTLY_ZH_TW

    with _client(store, start_workers=False) as client:
        _sign_in(client, tokens["ann"])
        script = client.get("/app/static/app.js").text
        assert re.search(r'modeBarButtonsToRemove: \[[^\]]*"sendChartToCloud"', script)
        assert re.search(r'toImageButtonOptions: \{format: "png"', script)
        assert "displaylogo: false" in script and 'locale: "zh-TW"' in script
        assert 'moduleType: "locale", name: "zh-TW"' in script
        zh = client.get(f"/app/shipped/{DEFAULT}?lang=zh").text
        words = json.loads(html.unescape(re.search(r'data-plotly-words="([^"]+)"', zh).group(1)))
        assert words == PLOTLY_ZH_TW and words["Download plot as a PNG"] == "下載圖表（PNG）"
        assert "data-plotly-words" not in client.get(f"/app/shipped/{DEFAULT}?lang=en").text
    # every key is a text of the plotly.js the package ships (a renamed one would go unused)
    shipped = plotly_path().read_text(encoding="utf-8")
    assert [key for key in PLOTLY_ZH_TW if f'"{key}"' not in shipped] == []
