"""Write docs/tutorial.ipynb from the cells below and execute it (nbclient) so that the committed
file holds its outputs: `python tools/make_tutorial.py` (with PYTHONPATH=src in a worktree).
tests/test_api_notebook.py runs it again in the suite."""

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "tutorial.ipynb"

CELLS = [("md", """\
# grandbargain in a notebook

This tutorial forecasts the July 2025 US-China "tech grand bargain" from Python: load the shipped
scenario, forecast it with every model, change one actor's stance and watch the package deal move,
run input draws for intervals, and plot the results with pandas and matplotlib.

Every result has `.to_frame()` (a tidy pandas DataFrame), `.to_dict()` (the same document the
command prints with `--format json`) and shows as a table in the notebook, bottom line first. The
options have the names of the command-line flags (`--bottom-line-draws` is `bottom_line_draws=`).
The test suite runs this notebook (`tests/test_api_notebook.py`)."""), ("code", """\
import grandbargain as gb
import matplotlib.pyplot as plt

gb.scenarios()"""), ("md", """\
## 1. Load the default scenario

`gb.load` takes a shipped id or a file (YAML, BDM, KTAB, Decide, DEU). The scenario shows its
issues-by-actors table (position/salience)."""), ("code", """\
s = gb.load("us-china-2025-07")
s"""), ("md", """\
`to_frame()` gives the actors-by-issues table of positions (or `values="salience"`, or
`values=None` for one row per actor and issue)."""), ("code", """\
s.to_frame().iloc[:, :5]"""), ("md", """\
## 2. Forecast

Every single-issue model, plus the principals' package deals (`deal-nash`, `deal-ks`, ...). The
bottom line opens the view; `bottom_line_draws` sets how many input draws its shares use (the
command's default is 100; fewer here to keep the tutorial quick)."""), ("code", """\
f = gb.forecast(s, bottom_line_draws=20)
f"""), ("md", """\
The tidy frame has one row per issue and model; pivot it for the familiar table."""), ("code", """\
frame = f.to_frame()
table = frame.pivot(index="issue", columns="model", values="forecast")
table.loc[frame.issue.unique(), f.models].round(1)"""), ("md", """\
## 3. Change a stance, see the deal move

The bottom line lists *signposts*: stances whose change would flip an option of the Nash package.
Take the first one and move that actor past the threshold."""), ("code", """\
sign = f.to_dict()["bottom_line"]["signposts"][0]
{k: sign[k] for k in ("actor", "issue", "position", "threshold")}"""), ("md", """\
Edits return a new, validated scenario (the original is unchanged); a value off the scale raises
`ScenarioError` naming the field."""), ("code", """\
moved = s.with_stance(sign["actor"], sign["issue"], position=sign["position"] - 5)
after = gb.forecast(moved, bottom_line_draws=20)

def nash(result):
    rows = result.to_frame().query("model == 'deal-nash'")
    return rows.set_index("issue")["forecast"]

changes = nash(f).to_frame("before").assign(after=nash(after))
changes[changes.before != changes.after]"""), ("code", """\
try:
    s.with_stance("us_hawks", "ai_chip_exports", position=150)
except gb.ScenarioError as error:
    print(error)"""), ("md", """\
## 4. Draws: how sure are we?

`draws=N` adds 90% intervals from N seeded draws of the inputs (`noise` in percent of the scale).
A hundred draws of three fast models take about a second."""), ("code", """\
drawn = gb.forecast(s, models=["compromise", "median", "eu"], draws=100, seed=1,
                    noise="position=10,salience=15", bottom_line=False)
spread = drawn.to_frame()
columns = ["issue", "forecast", "q05", "median", "q95"]
spread[spread.model == "compromise"][columns].round(1)"""), ("md", """\
## 5. Plot with the frames"""), ("code", """\
one = spread[spread.model == "compromise"].set_index("issue")
low, high = one["forecast"] - one["q05"], one["q95"] - one["forecast"]
fig, ax = plt.subplots(figsize=(8, 4))
ax.errorbar(one["forecast"], one.index, xerr=[low, high], fmt="o", capsize=3,
            label="compromise, 90% interval")
ax.scatter(one["status_quo"], one.index, marker="|", s=200, color="grey", label="status quo")
ax.set_xlabel("forecast on the issue's scale")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
plt.tight_layout()"""), ("code", """\
ax = changes.plot.barh(figsize=(8, 3), title="Nash package before and after the stance change")
ax.set_xlabel("option on the issue's scale")
plt.tight_layout()"""), ("md", """\
## More

`gb.rounds`, `gb.exchanges`, `gb.deals`, `gb.simulate`, `gb.timeline`, `gb.report`,
`gb.validate`, `gb.ledger.*` and `gb.tariffs.*` follow the same pattern: keyword options named
as the command's flags, `.to_frame()`, `.to_dict()`. `help(grandbargain.api)` lists them."""),
         ("code", """\
deals = gb.deals(s, bottom_line=False)
deals.to_frame().query("solution == 'nash'")[["issue", "value", "option"]]""")]


def notebook():
    cells = [new_markdown_cell(text) if kind == "md" else new_code_cell(text)
             for kind, text in CELLS]
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})


if __name__ == "__main__":
    from nbclient import NotebookClient

    nb = notebook()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    nbformat.write(nb, NOTEBOOK)
    print(f"wrote {NOTEBOOK}")
