"""Small hand-built networks for the steering analyses."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph_service.filters import TieFilter
from graph_service.services.analysis_graph import AnalysisGraph
from graph_service.services.steering.common import Affiliation


def analysis_graph(
    ties: list[tuple[str, str, str]],
    groups: dict[str, set[str]],
    phase: str | None = None,
) -> AnalysisGraph:
    """An AnalysisGraph from (type, source, target) ties and node -> groups."""
    G = nx.Graph()
    for n in groups:
        G.add_node(n, name=n.upper(), label="Staff")
    rows: list[dict[str, Any]] = []
    for rel, s, t in ties:
        a, b = sorted((s, t))
        G.add_edge(a, b, type=rel, types=[rel])
        rows.append({"id": f"{rel}:{a}:{b}:{phase}", "type": rel, "source": a, "target": b})
    return AnalysisGraph(
        graph=G,
        partition={n: frozenset(g) for n, g in groups.items()},
        group_names={},
        filters=TieFilter(phase=phase),
        partition_name="membership",
        directed=False,
        ties=rows,
    )


def link(rel: str, source: str, target: str, source_label: str = "Actor") -> Affiliation:
    return Affiliation(type=rel, source=source, target=target, source_label=source_label)
