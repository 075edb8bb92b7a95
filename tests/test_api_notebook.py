"""docs/tutorial.ipynb runs from top to bottom against this source tree, and ships executed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"

nbformat = pytest.importorskip("nbformat", reason="nbformat/nbclient/ipykernel: the dev extra")
nbclient = pytest.importorskip("nbclient", reason="nbformat/nbclient/ipykernel: the dev extra")
pytest.importorskip("ipykernel", reason="nbformat/nbclient/ipykernel: the dev extra")


def test_the_committed_tutorial_holds_its_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "run tools/make_tutorial.py"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # the two plots


def test_the_tutorial_runs(monkeypatch):
    """Every cell runs without error in a fresh kernel (with this tree's source first)."""
    source = str(ROOT / "src")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [source, *filter(None, [os.environ.get("PYTHONPATH")])]))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError naming the cell that failed
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert "stances.us_hawks.ai_chip_exports.position" in printed  # the refused edit
