"""Property-based test of the API against its own OpenAPI schema (schemathesis): generated
requests, with and without a valid token, never get a server error (5xx). Bounded examples per
operation so that it stays fast; the store is SQLite, the worker pool off (runs stay queued)."""

from __future__ import annotations

import pytest

from tests import test_server_support as support  # skips without the extra

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    from grandbargain.store import close_store, open_store
    from grandbargain.store._accounts import add_user
    from grandbargain.store._scenarios import create_scenario
    from grandbargain.web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('schema') / 'store.sqlite3'}"
    store = open_store(url)
    ann, token = add_user(store, "ann")
    add_user(store, "bob")
    TOKENS["ann"] = token
    create_scenario(store, ann.id, None, "syhf.yaml", support.shipped_text())
    app = create_app(store, start_workers=False, max_active_runs=1000)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    close_store(url)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.generate])
def test_no_request_gets_a_server_error(case):
    for headers in ({"Authorization": f"Bearer {TOKENS['ann']}"}, {}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=(not_a_server_error,))
