"""The walkthrough notebook runs top to bottom against the local Neo4j (kernel: this venv)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.neo4j

NOTEBOOK = Path(__file__).resolve().parents[3] / "notebooks" / "walkthrough.ipynb"


def test_walkthrough_runs_top_to_bottom(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel is this interpreter (the venv), started with this process's environment,
    # so it finds the package and the Neo4j settings (GRAPH_SERVICE_NEO4J_HOME, …).
    client = NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    text = "\n".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )
    assert "Jens Kötterheinrich" in text  # the planning broker
    assert "Krisenfeste Unternehmen" in text  # the goal nothing advances
    assert "Kai Drüppelmann + Jens Kötterheinrich" in text  # a parallel structure
    assert "report.html" in text
    # the pyvis bridge carries every node and tie of our map
    assert re.search(r"pyvis: (\d+) nodes, (\d+) ties; ours: \1 nodes, \2 ties", text)
