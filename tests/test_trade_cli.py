"""`grandbargain tariffs formula|stack` as a user meets it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, ["tariffs", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_stack_on_10_april_shows_145_percent_of_ieepa_additions():
    out = run("stack", "--date", "2025-04-10")
    assert out.startswith("On 2025-04-10, Chinese goods (general) face 145% in additional US "
                          "tariffs: IEEPA 145%")
    doc = json.loads(run("stack", "--date", "2025-04-10", "--format", "json"))
    us = next(s for s in doc["stacks"] if s["imposer"] == "US")
    assert us["by_family"]["ieepa"] == 145 and us["total"] == 145
    assert {e["layer"]: e["rate"] for e in us["layers"]} == {
        "us_ieepa_fentanyl": 20, "us_ieepa_reciprocal": 125}


def test_stack_on_14_may_shows_30_percent():
    out = run("stack", "--date", "2025-05-14")
    assert out.startswith("On 2025-05-14, Chinese goods (general) face 30% in additional US "
                          "tariffs: IEEPA 30%")
    rows = list(csv.DictReader(io.StringIO(run("stack", "--date", "2025-05-14", "-f", "csv"))))
    reciprocal = next(r for r in rows if r["layer"] == "us_ieepa_reciprocal")
    assert (reciprocal["rate"], reciprocal["legal_rate"], reciprocal["suspended"],
            reciprocal["until"]) == ("10", "34", "24", "2025-08-12")


def test_stack_after_as_of_says_it_is_a_schedule():
    out = run("stack", "--date", "2025-09-01")
    assert "54%" in out and "As scheduled on 2025-07-17" in out


def test_stack_in_chinese():
    out = run("stack", "--lang", "zh")
    assert out.startswith("2025-07-17：中國商品（general）須付美國額外關稅30%")


def test_formula_table_leads_with_the_bottom_line_and_what_if():
    out = run("formula", "--phi", "0.945")
    assert out.startswith("The published method reproduces the chart's 'tariffs charged' "
                          "exactly for 14 of 14 partners")
    assert "What-if (epsilon=4, phi=0.945, floor=10%): China 10% instead of 34%." in out


def test_formula_json_and_csv_carry_the_same_numbers():
    doc = json.loads(run("formula", "--floor", "0", "-f", "json"))
    china = doc["partners"][0]
    assert china["partner"] == "China" and china["published_method"]["reciprocal"] == 34
    assert china["what_if"]["reciprocal"] == 34  # only the floor changed
    uk = next(p for p in doc["partners"] if p["partner"] == "United Kingdom")
    assert uk["what_if"]["reciprocal"] == 0 and uk["published_method"]["reciprocal"] == 10
    rows = list(csv.reader(io.StringIO(run("formula", "-f", "csv"))))
    assert rows[1][:3] == ["China", "438.9474", "143.5457"]


def test_formula_with_services_from_a_user_csv(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("partner,imports,exports,services_imports,services_exports\n"
                    "Ruritania,100,50,20,70\n", encoding="utf-8")
    doc = json.loads(run("formula", str(path), "-f", "json"))
    assert doc["what_if"]["services"] is True
    assert doc["partners"][0]["published_method"]["charged"] == 50
    assert doc["partners"][0]["what_if"]["charged"] == 10  # balanced with services: the floor
    header = next(csv.reader(io.StringIO(run("formula", str(path), "-f", "csv"))))
    assert "charged (chart)" not in header and "what-if charged" in header  # no chart columns


def test_bad_csv_exits_2_with_the_location(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("partner,imports,exports\nRuritania,lots,5\n", encoding="utf-8")
    result = runner.invoke(app, ["tariffs", "formula", str(path)])
    assert result.exit_code == 2
    assert f"{path}:2:2 [imports]: imports is not a number: 'lots'" in result.output


def test_bad_events_exit_2_with_the_location(tmp_path):
    path = tmp_path / "ev.yaml"
    path.write_text("format: grandbargain-events/1\nas_of: 2025-07-17\nlayers: []\nevents: []\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["tariffs", "stack", "--events", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3:1 [layers]: expected a non-empty list of layers" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["formula", "--phi", "0"], "--phi: must be above 0"),
    (["stack", "--date", "17/07/2025"], "--date: expected a date YYYY-MM-DD"),
    (["stack", "--product", "toys"], "--product: unknown product group 'toys'"),
])
def test_bad_options_exit_2(args, message):
    result = runner.invoke(app, ["tariffs", *args])
    assert result.exit_code == 2 and message in result.output


def test_png_chart_of_the_stack(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "stack.png"
    run("stack", "--png", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_command_module_imports_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, grandbargain.cli.tariffs as t; "
            "print(sorted(m for m in ('numpy', 'pydantic', 'yaml', 'matplotlib', "
            "'grandbargain.trade') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    # cli/__init__ (another group's imports) may pull numpy in; the module itself adds none
    assert "matplotlib" not in out and "grandbargain.trade" not in out
