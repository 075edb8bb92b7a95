"""The REST API (web/app.py) over the store, on SQLite and (in .ci/run) PostgreSQL: accounts and
access, scenarios with versions and diffs, validation errors, runs as background jobs."""

from __future__ import annotations

import json
import time

import pytest

from tests import test_server_support as support
from tests.conftest import minimal_document

database_url, store = support.database_url, support.store  # the fixtures
yaml = pytest.importorskip("yaml")


def _client(store, **options):
    from fastapi.testclient import TestClient

    from grandbargain.web.app import create_app

    return TestClient(create_app(store, **options), raise_server_exceptions=False)


@pytest.fixture
def people(store):
    from grandbargain.store._accounts import add_user

    return {name: {"Authorization": f"Bearer {add_user(store, name)[1]}"}
            for name in ("ann", "bob")}


def _upload(**changes) -> dict:
    return {"filename": "tiny.yaml", "message": "first",
            "content": yaml.safe_dump(minimal_document(**changes), sort_keys=False)}


def _wait(client, run_id: int, headers: dict, until=("done", "failed", "cancelled"),
          seconds: float = 120) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run = client.get(f"/runs/{run_id}", headers=headers).json()
        if run["status"] in until:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still {run['status']} after {seconds} s")


# Every writing endpoint, with a request that would succeed for the owner of scenario 1 and
# run 1. A new writing endpoint fails the test below until it is listed here.
WRITES = {
    ("POST", "/scenarios"): lambda: ("/scenarios", _upload()),
    ("POST", "/scenarios/{scenario_id}/versions"): lambda: ("/scenarios/1/versions",
                                                            _upload()),
    ("PUT", "/scenarios/{scenario_id}/shares/{name}"): lambda: ("/scenarios/1/shares/bob",
                                                                {"access": "write"}),
    ("DELETE", "/scenarios/{scenario_id}/shares/{name}"): lambda: ("/scenarios/1/shares/bob",
                                                                   None),
    ("POST", "/runs"): lambda: ("/runs", {"kind": "forecast", "scenario_id": 1}),
    ("POST", "/runs/{run_id}/cancel"): lambda: ("/runs/1/cancel", None),
}


def test_every_writing_endpoint_refuses_no_token_a_wrong_token_and_another_users_scenario(
        store, people):
    with _client(store, start_workers=False) as client:
        routes = {(method, route.path) for route in client.app.routes
                  for method in getattr(route, "methods", ()) or ()
                  if method in ("POST", "PUT", "PATCH", "DELETE")
                  and not route.path.startswith("/app")}  # pages: tests/test_web_pages.py
        assert routes == set(WRITES), routes ^ set(WRITES)
        assert client.post("/scenarios", json=_upload(), headers=people["ann"]).status_code \
            == 201
        assert client.post("/runs", json={"kind": "forecast", "scenario_id": 1},
                           headers=people["ann"]).status_code == 202
        before = client.get("/scenarios/1", headers=people["ann"]).json()
        wrong = {"Authorization": people["bob"]["Authorization"][:-4] + "abcd"}
        for (method, template), build in WRITES.items():
            path, body = build()
            for headers, allowed in (({}, {401}), (wrong, {401}),
                                     ({"Authorization": "Bearer nonsense"}, {401})):
                response = client.request(method, path, json=body, headers=headers)
                assert response.status_code in allowed, (method, template, headers,
                                                          response.text)
                assert "abcd" not in response.text  # the token is never echoed
            if template != "/scenarios":  # bob may make his own scenarios, not touch ann's
                response = client.request(method, path, json=body, headers=people["bob"])
                assert response.status_code in (403, 404), (method, template, response.text)
        after = client.get("/scenarios/1", headers=people["ann"]).json()
        assert after == before  # nothing changed
        assert client.get("/runs/1", headers=people["ann"]).json()["status"] == "queued"
        assert client.get("/scenarios", headers=people["bob"]).json() == []
        # reading someone else's private scenario or run looks like nothing there
        assert client.get("/scenarios/1", headers=people["bob"]).status_code == 404
        assert client.get("/scenarios/1").status_code == 404
        assert client.get("/runs/1", headers=people["bob"]).status_code == 404
        # shared read-only: bob reads, still cannot write
        assert client.put("/scenarios/1/shares/bob", json={"access": "read"},
                          headers=people["ann"]).status_code == 200
        assert client.get("/scenarios/1/versions/1", headers=people["bob"]).status_code == 200
        assert client.post("/scenarios/1/versions", json=_upload(),
                           headers=people["bob"]).status_code == 403
        assert client.put("/scenarios/1/shares/bob", json={"access": "write"},
                          headers=people["bob"]).status_code == 403
        assert client.post("/runs/1/cancel", headers=people["bob"]).status_code == 403


def test_shipped_scenarios_are_public_and_read_only(store):
    with _client(store, start_workers=False) as client:
        listed = client.get("/shipped").json()
        assert "small-yard-high-fence" in [s["id"] for s in listed]
        one = client.get("/shipped/small-yard-high-fence").json()
        assert one["document"]["scenario"]["id"] == "small-yard-high-fence"
        assert client.get("/shipped/nothing-such").status_code == 404
        assert client.post("/runs", json={"kind": "forecast",
                                          "shipped": "small-yard-high-fence"}).status_code == 401
        assert client.get("/health").json()["status"] == "ok"


def test_versions_diff_and_validation_errors_over_http(store, people):
    ann = people["ann"]
    with _client(store, start_workers=False) as client:
        made = client.post("/scenarios", json=_upload(), headers=ann).json()
        changed = minimal_document()
        changed["stances"]["b"]["tariff"]["salience"] = 60.0
        changed["issues"].append({"id": "quota", "name": "Quota", "status_quo": 1.0,
                                  "scale": {"min": 0.0, "max": 10.0}})
        changed["stances"]["a"]["quota"] = {"position": 2.0, "salience": 30.0}
        second = client.post(f"/scenarios/{made['id']}/versions", headers=ann, json={
            "document": changed, "message": "quota added"})
        assert second.status_code == 201, second.text
        assert second.json()["version"] == 2 and second.json()["author"] == "ann"
        diff = client.get(f"/scenarios/{made['id']}/diff", params={"from": 1, "to": 2},
                          headers=ann).json()
        assert diff["issues"]["added"] == ["quota"]
        assert diff["stances"]["added"] == ["a/quota"]
        assert diff["stances"]["changed"] == {"b/tariff": {"salience": {"from": 100.0,
                                                                          "to": 60.0}}}
        version_one = client.get(f"/scenarios/{made['id']}/versions/1", headers=ann).json()
        assert version_one["message"] == "first" and version_one["source_text"] == \
            _upload()["content"]
        bad = minimal_document()
        bad["stances"]["a"]["tariff"]["position"] = 140.0
        refused = client.post("/scenarios", headers=ann, json={
            "filename": "bad.yaml", "content": yaml.safe_dump(bad, sort_keys=False)})
        assert refused.status_code == 422
        problem = refused.json()["problems"][0]
        assert problem["file"] == "bad.yaml" and problem["line"] and "position" in \
            problem["field"]
        assert problem["text"].startswith("bad.yaml:")
        assert client.get(f"/scenarios/{made['id']}/versions/9", headers=ann).status_code \
            == 404
        big = {"filename": "big.yaml", "content": "#" * (5 * 1024 * 1024)}
        assert client.post("/scenarios", json=big, headers=ann).status_code == 413


def test_run_options_are_the_commands_own_and_checked_when_asked(store, people):
    ann = people["ann"]
    with _client(store, start_workers=False, max_active_runs=2) as client:
        def ask(**body):
            return client.post("/runs", headers=ann, json={"shipped": "small-yard-high-fence",
                                                           **body})

        assert "draws" in client.get("/kinds").json()["simulate"]
        assert "out" not in client.get("/kinds").json()["forecast"]
        unknown = ask(kind="forecast", options={"nonsense": 1})
        assert unknown.status_code == 422 and "no option 'nonsense'" in unknown.text
        out_of_range = ask(kind="simulate", options={"draws": 0})
        assert out_of_range.status_code == 422 and "--draws" in out_of_range.text
        server_path = ask(kind="forecast", options={"out": "/etc/passwd"})
        assert server_path.status_code == 422
        assert ask(kind="forecast", options={"model": ["median"]}).status_code == 202
        assert ask(kind="rounds").status_code == 202
        limited = ask(kind="deals")
        assert limited.status_code == 429 and "limit is 2" in limited.text


def test_a_forecast_run_gives_the_document_the_cli_prints(store, people):
    from typer.testing import CliRunner

    from grandbargain.cli import app

    ann = people["ann"]
    with _client(store, workers=2) as client:
        asked = client.post("/runs", headers=ann, json={
            "kind": "forecast", "shipped": "small-yard-high-fence", "seed": 3,
            "options": {"model": ["median", "compromise"]}})
        assert asked.status_code == 202
        failing = client.post("/runs", headers=ann, json={
            "kind": "forecast", "shipped": "small-yard-high-fence",
            "options": {"draws": 5, "noise": "position=oops"}}).json()
        run = _wait(client, asked.json()["id"], ann)
        assert run["status"] == "done", run
        assert run["elapsed_seconds"] > 0 and run["progress"] == 1.0
        result = client.get(f"/runs/{run['id']}/result", headers=ann).json()
        bad = _wait(client, failing["id"], ann)
        assert bad["status"] == "failed" and "--noise" in bad["error"], bad
        assert client.get(f"/runs/{bad['id']}/result", headers=ann).status_code == 409
    printed = CliRunner().invoke(app, ["forecast", "small-yard-high-fence", "-m", "median",
                                       "-m", "compromise", "--seed", "3", "--format", "json"])
    assert result == json.loads(printed.stdout)


def test_a_running_run_reports_progress_and_can_be_cancelled(store, people):
    ann = people["ann"]
    with _client(store, workers=1) as client:
        long = client.post("/runs", headers=ann, json={
            "kind": "simulate", "shipped": "small-yard-high-fence",
            "options": {"draws": 100000, "chunk_size": 20, "model": ["eu"], "yes": True}}).json()
        _wait(client, long["id"], ann, until=("running",))
        end = time.monotonic() + 90  # progress: the share of the draws done, read as they go
        while client.get(f"/runs/{long['id']}", headers=ann).json()["progress"] == 0:
            assert time.monotonic() < end, "no progress reported"
            time.sleep(0.2)
        progress = client.get(f"/runs/{long['id']}", headers=ann).json()["progress"]
        assert 0 < progress < 1
        cancelled = client.post(f"/runs/{long['id']}/cancel", headers=ann).json()
        assert cancelled["status"] in ("cancelling", "cancelled")
        run = _wait(client, long["id"], ann, seconds=30)
        assert run["status"] == "cancelled" and run["error"] == "cancelled by its owner"


@pytest.mark.slow
def test_every_run_kind_completes(store, people):
    ann = people["ann"]
    kinds = {"rounds": {"issue": "us_tariffs"},
             "exchanges": {"rounds": 2}, "deals": {},
             "simulate": {"draws": 20, "model": ["median"]},
             "report": {"markdown": True, "model": ["median"]}}
    with _client(store, workers=2, max_active_runs=8) as client:
        ids = {kind: client.post("/runs", headers=ann, json={
            "kind": kind, "shipped": "small-yard-high-fence", "options": options}).json()["id"]
            for kind, options in kinds.items()}
        for kind, run_id in ids.items():
            run = _wait(client, run_id, ann)
            assert run["status"] == "done", (kind, run)
        report = client.get(f"/runs/{ids['report']}/result", headers=ann).json()
        assert report["format"] == "markdown" and report["text"].strip()
        simulated = client.get(f"/runs/{ids['simulate']}/result", headers=ann).json()
        assert simulated["simulation"]["draws"] == 20


@pytest.mark.slow
def test_simulate_runs_on_the_dask_scheduler_given_to_the_server(store, people):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    ann = people["ann"]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        before = cluster.scheduler.transition_counter
        with _client(store, workers=1, scheduler=cluster.scheduler_address) as client:
            asked = client.post("/runs", headers=ann, json={
                "kind": "simulate", "shipped": "small-yard-high-fence",
                "options": {"draws": 30, "model": ["median"]}}).json()
            run = _wait(client, asked["id"], ann)
            assert run["status"] == "done", run
            result = client.get(f"/runs/{run['id']}/result", headers=ann).json()
        assert result["simulation"]["draws"] == 30
        assert cluster.scheduler.transition_counter > before  # the draws ran on the cluster
