"""The classic datasets of ../shared/datasets/sna, read with the metrics' reader."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph_service.metrics.io import read_graph_files

DATASETS = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "sna"
if not DATASETS.is_dir():  # the repository checked out next to ../shared
    DATASETS = Path("/work/shared/datasets/sna")


def load(name: str, group: str, *, directed: bool = False, weight: str | None = None):
    """``(G, partition)`` of dataset ``name`` with ``group`` as the partition."""
    return read_graph_files(
        DATASETS / f"{name}_edges.csv",
        DATASETS / f"{name}_nodes.csv",
        group_attr=group,
        directed=directed,
        weight_column=weight,
    )


def by_name(G: nx.Graph, values: dict) -> dict:
    """Re-key a node dict by the node's ``name`` attribute."""
    return {G.nodes[v]["name"]: x for v, x in values.items()}
