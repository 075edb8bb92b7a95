"""The HTML report in a real browser (Debian's headless Chromium, driven over DevTools): it
draws every chart in both languages with no console error and no network request.

Screenshots go to the test's temporary folder, and also to $GRANDBARGAIN_SCREENSHOTS when set
(to look at them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from tests._chromium import Browser, chromium_path

pytest.importorskip("plotly", reason="the report extra (plotly) is not installed")
pytest.importorskip("websocket", reason="websocket-client (a dev dependency) is not installed")

runner = CliRunner()

DRAWN = """(function (lang) {
  var divs = document.querySelectorAll('.chart[data-lang="' + lang + '"]');
  var done = 0;
  divs.forEach(function (d) { if (d.querySelector('.main-svg')) { done += 1; } });
  return divs.length > 0 && done === divs.length ? done : 0;
})('%s')"""
VISIBLE_TEXT = """(function (lang) {
  var root = document.querySelector('main > .l-' + lang);
  return root && root.offsetParent !== null ? root.innerText.slice(0, 20000) : '';
})('%s')"""
SVG_TEXT = """Array.from(document.querySelectorAll('.chart[data-lang="%s"] svg text'))
  .map(function (t) { return t.textContent; }).join('\\n')"""


def _keep(path: Path) -> None:
    target = os.environ.get("GRANDBARGAIN_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def _not_blank(path: Path) -> bool:
    from PIL import Image

    with Image.open(path) as image:
        low, high = image.convert("L").getextrema()
    return high - low > 100


@pytest.mark.slow
def test_report_renders_offline_in_both_languages(tmp_path):
    if chromium_path() is None:
        pytest.skip("chromium is not installed (Debian package chromium; .ci/run installs it)")
    page = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--out", str(page)])
    assert result.exit_code == 0, result.output
    with Browser(width=1280, height=1000, timeout=120) as browser:
        browser.open(page.as_uri())
        charts = browser.wait_until(DRAWN % "en")
        assert charts >= 23
        english = browser.evaluate(VISIBLE_TEXT % "en")
        assert "Who stands where" in english and "Methods and sources" in english
        assert english.index("Bottom line") < english.index("Who stands where")
        assert browser.evaluate(VISIBLE_TEXT % "zh") == ""
        assert "Weight: capability × salience" in browser.evaluate(SVG_TEXT % "en")
        shot_en = browser.screenshot(tmp_path / "report-en.png")

        browser.evaluate("document.querySelector('button[data-set-lang=\"zh\"]').click()")
        assert browser.wait_until(DRAWN % "zh") == charts
        chinese = browser.evaluate(VISIBLE_TEXT % "zh")
        assert "各方立場" in chinese and "方法與來源" in chinese
        assert chinese.index("重點判斷") < chinese.index("各方立場")
        assert browser.evaluate(VISIBLE_TEXT % "en") == ""
        assert "權重" in browser.evaluate(SVG_TEXT % "zh")
        assert browser.evaluate("document.documentElement.lang") == "zh-Hant"
        assert browser.evaluate("document.title") == "中美科技大交易（2025年7月）"
        shot_zh = browser.screenshot(tmp_path / "report-zh.png")
        log = browser.log

    assert log.errors == []
    page_url = page.as_uri()
    elsewhere = [u for u in log.requests if u != page_url and not u.startswith("data:")]
    assert elsewhere == [], elsewhere
    assert log.requests[0] == page_url
    for shot in (shot_en, shot_zh):
        assert _not_blank(shot)
        _keep(shot)
    assert shot_en.read_bytes() != shot_zh.read_bytes()
