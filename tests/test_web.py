"""The web app end to end in a real browser (Playwright for Python driving Debian's chromium)
against `grandbargain serve` in a subprocess (tests/_webapp.py): sign in with a token, open the
default scenario, change a stance, see the validator's message at the cell for a bad value,
what-if, save versions with messages, run forecasts and see the bottom line change, compare two
versions, switch to 繁體中文. No console error and no request leaving 127.0.0.1 (every request
is recorded; any to another host is refused and fails the test).

One server and one browser for the module. A screenshot of every step goes to
tests/artifacts/web/ (ignored by git); with GRANDBARGAIN_WEB_IMAGES=docs/images the README's
images (web-*.png) are written there too."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests._webapp import DEFAULT, WebApp, chromium_executable

pytestmark = pytest.mark.slow  # a browser and a server: `python3 -m pytest -m slow` (.ci/run)

for _module in ("fastapi", "uvicorn", "sqlalchemy", "alembic", "jinja2", "multipart", "plotly"):
    pytest.importorskip(_module, reason="the server extra is not installed "
                        "(pip install -e .[server])")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not "
                               "installed (a dev dependency: pip install -e .[dev])")
if chromium_executable() is None:
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium; .ci/run installs it)",
                allow_module_level=True)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "web"
VIEWPORT = {"width": 1280, "height": 800}
LOCAL_HOSTS = {"127.0.0.1"}
TIMEOUT_MS = 30_000
RUN_TIMEOUT_MS = 120_000
# The stance the walk changes: the US president's position on the 2025 US tariffs, from 40 to
# the scale's top, moves the Nash package's tariff (10 -> 30) and so the bottom line.
ACTOR, ISSUE = "us_president", "us_tariffs"
CELL = f"{ACTOR}-{ISSUE}"
NEW_POSITION, BAD_POSITION = "145", "500"
# The second version's change, for the diff.
ACTOR2, ISSUE2 = "cn_leadership", "purchase_commitments"


class Session:
    """The page, what the browser said (console errors, page errors) and asked for (every
    request's URL, those to another host apart), and numbered screenshots."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.off_host: list[str] = []
        self.shots: list[Path] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))

    def route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.off_host.append(url)
            route.abort()

    def shot(self, name: str, focus=None) -> Path:
        """A screenshot of the viewport with `focus` (a locator) scrolled to its middle."""
        if focus is not None:
            focus.evaluate("el => el.scrollIntoView({block: 'center', inline: 'nearest'})")
        path = ARTIFACTS / f"{len(self.shots) + 1:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        self.shots.append(path)
        return path

    def image(self, name: str, locator=None, until=None) -> None:
        """One of the README's images (only with GRANDBARGAIN_WEB_IMAGES=FOLDER): the viewport
        from the top of `locator` (or of the page, down to `until`'s bottom), at most one
        screen high, in 256 colours."""
        folder = os.environ.get("GRANDBARGAIN_WEB_IMAGES")
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = Path(folder) / f"web-{name}.png"
        if locator is None:
            self.page.evaluate("() => window.scrollTo(0, 0)")
            bottom = VIEWPORT["height"]
            if until is not None:
                box = until.bounding_box()
                bottom = min(box["y"] + box["height"] + 24, bottom)
            self.page.screenshot(path=str(path), clip={
                "x": 0, "y": 0, "width": VIEWPORT["width"], "height": bottom})
        else:
            locator.evaluate("el => el.scrollIntoView({block: 'start'})")
            box = locator.bounding_box()
            top = max(box["y"] - 8, 0)
            height = min(box["height"] + 16, VIEWPORT["height"] - top)
            self.page.screenshot(path=str(path), clip={
                "x": 0, "y": top, "width": VIEWPORT["width"], "height": height})
        from PIL import Image

        with Image.open(path) as image:
            small = image.convert("RGB").quantize(256)
        small.save(path, optimize=True)

    def clean(self, step: str) -> None:
        assert not self.console_errors, f"{step}: console errors {self.console_errors}"
        assert not self.off_host, f"{step}: requests off 127.0.0.1 {self.off_host}"


@pytest.fixture(scope="module")
def webapp():
    app = WebApp(user="ann")
    try:
        app.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield app
    app.stop()


@pytest.fixture(scope="module")
def session(webapp):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable())
        context = browser.new_context(viewport=VIEWPORT, locale="en-US",
                                      service_workers="block")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        recorder = Session(page, webapp.base)
        context.route("**/*", recorder.route)
        yield recorder
        context.close()
        browser.close()


def _run_forecast(page) -> str:
    """Runs the forecast of the page's saved version; the bottom line it shows."""
    results = page.locator("#results")
    old_run = results.locator(".results").get_attribute("data-run") \
        if results.locator(".results").count() else None
    page.get_by_test_id("run-forecast").click()
    shown = results.locator(".results" if old_run is None else
                            f".results:not([data-run='{old_run}'])")
    shown.wait_for(timeout=RUN_TIMEOUT_MS)  # a run is a process of its own (S-001)
    results.get_by_test_id("bottom-line").wait_for()
    chart = results.locator("[data-testid=chart-forecast]").first
    chart.scroll_into_view_if_needed()  # charts are drawn as they come near the screen
    chart.locator(".main-svg").first.wait_for()  # plotly drew
    assert page.get_by_test_id("run-error").is_hidden()
    return results.get_by_test_id("bottom-line").inner_text()


def _package_line(bottom_line: str, issue_name: str) -> str:
    lines = [line for line in bottom_line.splitlines() if issue_name in line]
    assert lines, f"no line on {issue_name!r} in the bottom line:\n{bottom_line}"
    return lines[0]


def test_walk_sign_in_edit_check_save_forecast_compare_and_switch_to_chinese(webapp, session):
    from grandbargain.scenario import load_scenario
    from grandbargain.web._words import words

    en, zh = words("en"), words("zh")
    scenario = load_scenario(DEFAULT)
    issue_name = next(i.text("en") for i in scenario.issues if i.id == ISSUE)
    old_position = next(s.position for s in scenario.stances
                        if (s.actor, s.issue) == (ACTOR, ISSUE))
    old_position2 = next(s.position for s in scenario.stances
                         if (s.actor, s.issue) == (ACTOR2, ISSUE2))
    page = session.page
    expect = sync_api.expect

    # 1. sign in with the token
    page.goto(f"{webapp.base}/app")
    expect(page).to_have_url(re.compile(r"/app/sign-in$"))
    page.get_by_test_id("token-input").fill(webapp.token)
    session.shot("sign-in", page.get_by_test_id("token-input"))
    page.get_by_test_id("sign-in").click()
    expect(page).to_have_url(re.compile(r"/app/scenarios$"))
    expect(page.get_by_test_id("user-name")).to_have_text("ann")
    session.shot("scenarios")
    session.clean("sign in")

    # 2. open the default scenario: its grid, every stance at its cell
    page.get_by_test_id(f"scenario-link-{DEFAULT}").click()
    expect(page).to_have_url(re.compile(rf"/app/shipped/{DEFAULT}$"))
    expect(page.get_by_test_id("scenario-title")).to_have_text(scenario.text("en"))
    for stance in scenario.stances:
        key = f"{stance.actor}-{stance.issue}"
        assert float(page.get_by_test_id(f"position-{key}").input_value()) == stance.position
        assert float(page.get_by_test_id(f"salience-{key}").input_value()) == stance.salience
    expect(page.get_by_test_id(f"cell-error-{CELL}")).to_be_hidden()
    session.shot("scenario-grid", page.get_by_test_id("grid"))
    session.image("grid", page.locator("section[aria-labelledby=grid-h]"))
    session.clean("open the default scenario")

    # 3. the shipped version's forecast: the bottom line first
    shipped_line = _run_forecast(page)
    assert shipped_line.startswith("Bottom line"), shipped_line[:200]
    expect(page.get_by_test_id("forecast-table")).to_be_visible()
    session.shot("forecast-shipped", page.get_by_test_id("bottom-line"))
    session.clean("run the forecast")

    # 4. change a stance: marked as edited, counted, and the what-if shows the package move
    position = page.get_by_test_id(f"position-{CELL}")
    position.fill(NEW_POSITION)
    expect(position).to_have_class(re.compile(r"\bedited\b"))
    expect(page.locator("#edit-count")).to_have_text(re.compile(r"1$"))
    expect(page.get_by_test_id(f"position-slider-{CELL}")).to_have_value(NEW_POSITION)
    position.press("Enter")  # Enter in a cell runs the what-if (the keyboard's way)
    panel = page.get_by_test_id("what-if-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(f"{old_position:g} → {NEW_POSITION}")
    saved_side = page.get_by_test_id("what-if-saved").locator(".bottom-line").inner_text()
    edited_side = page.get_by_test_id("what-if-edited").locator(".bottom-line").inner_text()
    assert _package_line(saved_side, issue_name) != _package_line(edited_side, issue_name)
    expect(page.get_by_test_id("what-if-edited").locator("tr.changed").first).to_be_visible()
    session.shot("what-if", panel)
    session.image("what-if", page.locator("section[aria-labelledby=whatif-h]"))
    session.clean("what-if")

    # 5. a bad value: the validator's message at the cell, as one types
    position.fill(BAD_POSITION)
    error = page.get_by_test_id(f"cell-error-{CELL}")
    expect(error).to_be_visible()
    expect(error).to_contain_text(BAD_POSITION)
    expect(error).to_contain_text("outside the scale 0-145")
    expect(position).to_have_attribute("aria-invalid", "true")
    session.shot("validation-message", error)
    position.fill(NEW_POSITION)
    expect(error).to_be_hidden()
    expect(position).not_to_have_attribute("aria-invalid", "true")
    session.clean("validation")

    # 6. save a version with a message: the shipped scenario becomes the user's own, version 1
    page.get_by_test_id("save-message").fill("US tariffs: the president at the top of the scale")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/app/scenarios/\d+\?version=1$"))
    scenario_url = page.url.split("?", 1)[0]
    expect(page.get_by_test_id("version-label")).to_have_text("v1")
    expect(page.locator(".notice")).to_have_text(en["saved_ok"].format(n=1))
    expect(page.get_by_test_id(f"position-{CELL}")).to_have_value(NEW_POSITION)
    session.shot("saved-v1", page.get_by_test_id("version-label"))
    session.clean("save version 1")

    # 7. the forecast of version 1: the bottom line changed where the stance moved the package
    v1_line = _run_forecast(page)
    assert v1_line != shipped_line
    assert _package_line(v1_line, issue_name) != _package_line(shipped_line, issue_name)
    # as the what-if said (which leaves out the draws: decision S-004)
    assert _package_line(v1_line, issue_name).startswith(_package_line(edited_side, issue_name))
    session.shot("forecast-v1", page.get_by_test_id("bottom-line"))
    session.image("results", page.locator("section[aria-labelledby=results-h]"))
    session.clean("forecast of version 1")

    # 8. a second version, then the history and the diff of the two
    page.get_by_test_id(f"position-{ACTOR2}-{ISSUE2}").fill("100")
    page.get_by_test_id("save-message").fill("Chinese purchases: the leadership at 100")
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"\?version=2$"))
    page.get_by_test_id("history-link").click()
    expect(page.get_by_test_id("version-row-1")).to_contain_text("the president at the top")
    expect(page.get_by_test_id("version-row-2")).to_contain_text("the leadership at 100")
    session.shot("history", page.get_by_test_id("history"))
    expect(page.get_by_test_id("compare-old")).to_have_value("1")
    expect(page.get_by_test_id("compare-new")).to_have_value("2")
    page.get_by_test_id("compare").click()
    expect(page).to_have_url(re.compile(r"/diff\?old=1&new=2$"))
    rows = page.get_by_test_id("diff-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{ACTOR2}/{ISSUE2}")
    expect(rows.first).to_contain_text("position")
    assert float(rows.first.locator("td.old").inner_text()) == old_position2
    assert float(rows.first.locator("td.new").inner_text()) == 100
    session.shot("diff", page.get_by_test_id("diff"))
    session.image("diff", until=page.get_by_test_id("diff"))
    session.clean("compare versions")

    # 9. 繁體中文: the switch keeps the page, the labels and the scenario's texts change
    page.goto(f"{scenario_url}?version=2")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_test_id("scenario-title")).to_have_text(scenario.text("zh"))
    expect(page.get_by_test_id("lang-switch")).to_have_text(zh["other_lang"])
    expect(page.get_by_test_id("run-forecast")).to_have_text(zh["run_forecast"])
    zh_line = _run_forecast(page)
    assert re.search(r"[\u4e00-\u9fff]", zh_line.splitlines()[0]), zh_line[:200]
    session.shot("zh", page.get_by_test_id("bottom-line"))
    session.image("zh")
    page.reload()  # the language is kept (cookie) without ?lang=
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    session.clean("繁體中文")

    # the whole walk: requests were made, and all of them to 127.0.0.1
    assert any(url.endswith("/app/static/plotly.min.js") for url in session.requests)
    assert all(urlsplit(url).hostname in LOCAL_HOSTS for url in session.requests)
    assert len(session.shots) >= 10 and all(p.stat().st_size > 5000 for p in session.shots)
    log = webapp.log_text()
    assert f'"GET /app/shipped/{DEFAULT} HTTP/1.1" 200' in log  # one line per request
    assert "Traceback" not in log and not re.search(r'HTTP/1\.1" 5\d\d', log), log[-3000:]
    assert webapp.token not in log  # the cookie's token is never logged
